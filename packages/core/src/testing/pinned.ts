/**
 * Pinned-weight checks (QuantizedTensor.pack): every matmul and convolution case also runs with its
 * weights packed into the backend's cache, with no int32 codes left, and must give the same bits.
 */
import { getBackend, tensor } from '@tensorflow/tfjs-core';
import type { PinnableKernel } from '../int8/packed_weight_cache.js';
import { packedWeightCache } from '../int8/packed_weight_cache.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import { assertExact } from './assert.js';

/** Fixed per-entry allowance for small shapes (texture rows, panel padding, alignment). */
const ENTRY_SLACK_BYTES = 64 * 1024;

export interface PackedWeights {
  weights: QuantizedTensor;
  /** Throws unless the weights are still packed (the op passed `pinnedWeights`, never the codes). */
  assertStillPacked(what: string): void;
  /** Checks that unpacking gives the original codes, disposes, and checks that the cache shrank back. */
  finish(what: string): void;
}

/** Packs a copy of `q` for `kernelName` on the active backend, checking the cache really holds it. */
export function packedCopy(
  q: QuantizedTensor,
  kernelName: PinnableKernel,
  shape: number[] = q.shape,
): PackedWeights {
  const backend = getBackend();
  const cache = packedWeightCache(backend);
  if (!cache?.pin || !cache.unpack)
    throw new Error(`pinned weights: backend '${backend}' has no packed-weight cache that can pin`);
  const original = q.codes.dataSync().slice();
  // A fresh tensor, not a clone: a clone would share (and keep alive) the original's dataId.
  const weights = new QuantizedTensor(tensor(original, q.shape, 'int32'), q);
  const before = cache.bytes();
  if (!weights.pack(kernelName, shape) || !weights.isPacked)
    throw new Error(`pinned weights: '${backend}' refused to pin ${kernelName} [${shape}]`);
  const grown = cache.bytes() - before;
  if (grown < q.size || grown > 2 * q.size + ENTRY_SLACK_BYTES)
    throw new Error(
      `pinned weights: ${kernelName} [${shape}] (${q.size} codes) grew '${backend}'s cache by ${grown} bytes`,
    );
  return {
    weights,
    assertStillPacked(what) {
      if (!weights.isPacked)
        throw new Error(`${what}: the op unpacked the pinned weights instead of passing them`);
    },
    finish(what) {
      const unpacked = weights.withCodes((codes) => codes.codes.dataSync().slice());
      assertExact(unpacked, original, `${what}: unpacked codes`);
      weights.dispose();
      const after = cache.bytes();
      if (after !== before)
        throw new Error(`${what}: the cache holds ${after} bytes after dispose, ${before} before`);
    },
  };
}
