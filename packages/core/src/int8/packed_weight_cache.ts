/**
 * Backends keep private packed copies of int8 weights (an Int8Array on cpu, panels in the wasm heap,
 * an RGBA8I texture on webgl), keyed by the codes tensor's dataId. They register their cache here so
 * that `QuantizedTensor.dispose()` frees every packed copy, and so memory can be accounted for.
 *
 * A cache that implements `pin` can also hold weights whose int32 codes are gone (`QuantizedTensor.pack`):
 * the packed copy is then the only copy, and kernels find it through the `pinnedWeights` attribute.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
} from '../kernel_names.js';

/** The kernels whose weights can be pinned. */
export type PinnableKernel =
  | typeof ClipqMatMulInt8
  | typeof ClipqConv2DInt8
  | typeof ClipqDepthwiseConv2DInt8;

export interface PinRequest {
  kernelName: PinnableKernel;
  /**
   * int32 codes in the kernel's weight-input shape (matmul `b` is [K,N]). They may still live on another
   * backend (a model converted on cpu, packed on webgl): read them through the engine (`dataSync`).
   */
  codes: Tensor;
}

export interface PackedWeightCache {
  /** The tfjs backend name the cache serves, e.g. 'cpu' or 'webgl'. */
  readonly name: string;
  /** Frees the packed copy under a codes dataId or a pinned key, if any. Idempotent. */
  release(key: object): void;
  /** Resident bytes of all packed copies, pinned ones included. */
  bytes(): number;
  /**
   * Packs `request.codes` now and keeps the copy under `key` until `release(key)`, also after the codes
   * tensor is disposed. Returns false (keeping nothing) if this cache cannot pin for that kernel.
   */
  pin?(key: object, request: PinRequest): boolean;
  /** The pinned codes as int8, row-major in the pinned shape; null if `key` is not pinned here. */
  unpack?(key: object): Int8Array | null;
}

/**
 * Kept on `globalThis` under a registered symbol, so that a backend package resolving its own copy of
 * @clipq/core (a version mismatch installs two) registers where `QuantizedTensor.dispose()` looks.
 */
const registry = globalThis as { [key: symbol]: Map<string, PackedWeightCache> | undefined };
const key = Symbol.for('@clipq/core packed-weight caches');
registry[key] ??= new Map<string, PackedWeightCache>();
const caches = registry[key];

/** Registers a cache; registering the same object again is a no-op, another one under the name throws. */
export function registerPackedWeightCache(cache: PackedWeightCache): void {
  const existing = caches.get(cache.name);
  if (existing === cache) return;
  if (existing)
    throw new Error(
      `registerPackedWeightCache: a cache named '${cache.name}' is already registered`,
    );
  caches.set(cache.name, cache);
}

/** The cache registered for a backend name, if any. */
export function packedWeightCache(backendName: string): PackedWeightCache | null {
  return caches.get(backendName) ?? null;
}

export function releasePackedWeights(key: object): void {
  for (const cache of caches.values()) cache.release(key);
}

/** Resident packed bytes per cache name. */
export function packedWeightBytes(): Record<string, number> {
  return Object.fromEntries([...caches].map(([name, cache]) => [name, cache.bytes()]));
}
