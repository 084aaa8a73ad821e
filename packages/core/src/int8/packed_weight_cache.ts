/**
 * Backends keep private packed copies of int8 weights (an Int8Array on cpu, panels in the wasm heap,
 * an RGBA8I texture on webgl), keyed by the codes tensor's dataId. They register their cache here so
 * that `QuantizedTensor.dispose()` frees every packed copy, and so memory can be accounted for.
 */
export interface PackedWeightCache {
  /** A short name, e.g. 'cpu' or 'webgl'. */
  readonly name: string;
  /** Frees the packed copy of these codes, if any. */
  release(dataId: object): void;
  /** Resident bytes of all packed copies. */
  bytes(): number;
}

const caches = new Map<string, PackedWeightCache>();

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

export function releasePackedWeights(dataId: object): void {
  for (const cache of caches.values()) cache.release(dataId);
}

/** Resident packed bytes per cache name. */
export function packedWeightBytes(): Record<string, number> {
  return Object.fromEntries([...caches].map(([name, cache]) => [name, cache.bytes()]));
}
