/**
 * A QuantizedTensor's codes moved into a backend's packed-weight cache (`QuantizedTensor.pack`), and
 * the release of int32 codes together with the packed copies keyed by their data.
 */
import { engine, type KernelBackend, reshape, type Tensor, util } from '@tensorflow/tfjs-core';
import {
  type PinnableKernel,
  packedWeightCache,
  releasePackedWeights,
} from './packed_weight_cache.js';

/** Where a packed QuantizedTensor's codes live: a backend cache's pinned entry. */
export interface PinnedWeights {
  backend: string;
  kernelName: PinnableKernel;
  /** The cache key (the kernels' `pinnedWeights.key`). */
  key: object;
  /** The kernel's weight-input shape the codes were packed in. */
  shape: number[];
}

/**
 * Disposes codes and frees the backends' packed copies under their dataId, unless another tensor (a
 * clone or reshape) still shares that data and may still use the packed copy.
 */
export function releaseCodes(codes: Tensor): void {
  const state = engine().state as unknown as {
    tensorInfo: { get(dataId: object): { backend: KernelBackend } | undefined };
  };
  const backend = state.tensorInfo.get(codes.dataId)?.backend;
  if (!backend || backend.refCount(codes.dataId) <= 1) releasePackedWeights(codes.dataId);
  codes.dispose();
}

/**
 * Pins `codes`, viewed in `shape`, in `backend`'s cache for `kernelName` under a new key; null (pinning
 * nothing) if that cache cannot pin them.
 */
export function pinCodes(
  codes: Tensor,
  backend: string,
  kernelName: PinnableKernel,
  shape: number[],
): PinnedWeights | null {
  const cache = packedWeightCache(backend);
  if (!cache?.pin) return null;
  const view = util.arraysEqual(codes.shape, shape) ? codes : reshape(codes, shape);
  const key = {};
  const ok = cache.pin(key, { kernelName, codes: view });
  if (view !== codes) view.dispose();
  return ok ? { backend, kernelName, key, shape: shape.slice() } : null;
}

/** The int32 codes of a pinned entry (`what` names them in the error when the entry is gone). */
export function unpackPinnedCodes(pin: PinnedWeights, what: string): Int32Array {
  const bytes = packedWeightCache(pin.backend)?.unpack?.(pin.key);
  if (!bytes)
    throw new Error(
      `QuantizedTensor: the packed codes ${what} are gone from backend '${pin.backend}'s cache`,
    );
  return Int32Array.from(bytes);
}
