/**
 * Packed B matrices, built on first use and kept per codes tensor. The key is the codes' `dataId`
 * object, which tfjs keeps stable for the tensor's lifetime. `release` is called by core's
 * `QuantizedTensor.dispose()` through the packed-weight cache hook; entries whose tensor was disposed
 * some other way are dropped by `sweep` at the next matmul.
 */
import type { PackedWeightCache } from '@clipq/core';
import { type PackedWeights, packWeights } from './packed_weights.js';

export class CpuPackedWeightCache implements PackedWeightCache {
  readonly name = 'cpu';
  private readonly entries = new Map<object, PackedWeights>();

  /** The packed form of `codes` for this layout; packs (and checks the codes) on a miss. */
  get(
    dataId: object,
    codes: () => Int32Array,
    K: number,
    N: number,
    transposeB: boolean,
  ): PackedWeights {
    const hit = this.entries.get(dataId);
    if (hit !== undefined && hit.K === K && hit.N === N && hit.transposeB === transposeB)
      return hit;
    const packed = packWeights(codes(), K, N, transposeB);
    this.entries.set(dataId, packed);
    return packed;
  }

  has(dataId: object): boolean {
    return this.entries.has(dataId);
  }

  release(dataId: object): void {
    this.entries.delete(dataId);
  }

  /** Resident bytes of every packed matrix. */
  bytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.panels.byteLength;
    return total;
  }

  /** Resident bytes of one codes tensor's packed form (0 when not packed). */
  bytesOf(dataId: object): number {
    return this.entries.get(dataId)?.panels.byteLength ?? 0;
  }

  /** Drops entries whose tensors no longer exist. */
  sweep(isLive: (dataId: object) => boolean): void {
    for (const dataId of this.entries.keys()) if (!isLive(dataId)) this.entries.delete(dataId);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The one cache of the cpu backend. */
export const packedWeightCache = new CpuPackedWeightCache();
