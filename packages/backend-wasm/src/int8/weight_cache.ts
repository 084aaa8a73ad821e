/**
 * The wasm backend's packed-weight cache as core sees it (`registerPackedWeightCache`): panels keyed by
 * codes dataIds (packed_weights.ts) and weights pinned under `QuantizedTensor.pack()` keys
 * (pinned_weights.ts). `release` frees either; `bytes` counts both.
 */
import { type PackedWeightCache, type PinRequest, registerPackedWeightCache } from '@clipq/core';
import { packedBytes, releasePacked } from './packed_weights.js';
import { pinnedBytes, pinWeights, releasePinned, unpackPinned } from './pinned_weights.js';

export const wasmPackedWeightCache = {
  name: 'wasm',
  release(key: object): void {
    releasePacked(key);
    releasePinned(key);
  },
  bytes(): number {
    return packedBytes() + pinnedBytes();
  },
  pin(key: object, request: PinRequest): boolean {
    return pinWeights(key, request);
  },
  unpack(key: object): Int8Array | null {
    return unpackPinned(key);
  },
} satisfies PackedWeightCache;

export function registerWasmPackedWeightCache(): void {
  registerPackedWeightCache(wasmPackedWeightCache);
}
