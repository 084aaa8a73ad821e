/**
 * A packed-weight cache for a backend that runs core's reference kernels (no clipq backend package):
 * pinned weights are kept as a host Int8Array, 1 byte per code, and the reference kernels unpack them
 * into a temporary int32 tensor on every call. Register one per backend name, e.g.
 * `registerPackedWeightCache(new HostWeightCache('webgpu'))`; core's own tests use it on 'cpu'.
 */
import type { PackedWeightCache, PinRequest } from './packed_weight_cache.js';

export class HostWeightCache implements PackedWeightCache {
  private readonly pinned = new Map<object, Int8Array>();

  constructor(readonly name: string) {}

  pin(key: object, request: PinRequest): boolean {
    this.pinned.set(key, Int8Array.from(request.codes.dataSync() as Int32Array));
    return true;
  }

  unpack(key: object): Int8Array | null {
    return this.pinned.get(key) ?? null;
  }

  release(key: object): void {
    this.pinned.delete(key);
  }

  bytes(): number {
    let total = 0;
    for (const codes of this.pinned.values()) total += codes.byteLength;
    return total;
  }
}
