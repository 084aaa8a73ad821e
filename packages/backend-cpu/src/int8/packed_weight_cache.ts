/**
 * Packed weights of the cpu backend, one byte per code. Two kinds of entries:
 * - Packed B matrices, built on first use and kept per codes tensor. The key is the codes' `dataId`
 *   object, which tfjs keeps stable for the tensor's lifetime. `release` is called by core's
 *   `QuantizedTensor.dispose()` through the packed-weight cache hook; entries whose tensor was disposed
 *   some other way are dropped by a sweep when the cache grows (a new matrix packed, or weights
 *   pinned) or its bytes are counted. Never on a hit: kernels pay nothing per call, and a stale entry
 *   cannot be hit by mistake, since tfjs never reuses a dataId; it only holds memory until then.
 * - Pinned weights (`pin`, from core's `QuantizedTensor.pack`): the only copy of the codes, kept under
 *   core's key until `release(key)`. They are in a map of their own, so `sweep` never sees them.
 */
import {
  ClipqDepthwiseConv2DInt8,
  type PackedWeightCache,
  type PinnableKernel,
  type PinRequest,
} from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { engine } from '@tensorflow/tfjs-core';
import { type PackedWeights, packWeights, residentBytes } from './packed_weights.js';
import {
  isPinnableKernel,
  type PinnedEntry,
  pinnedBytes,
  pinWeights,
  unpinnedCodes,
} from './pinned_weights.js';

export class CpuPackedWeightCache implements PackedWeightCache {
  readonly name = 'cpu';
  private readonly entries = new Map<object, PackedWeights>();
  private readonly pinnedEntries = new Map<object, PinnedEntry>();

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
    this.sweepDead();
    const packed = packWeights(codes(), K, N, transposeB);
    this.entries.set(dataId, packed);
    return packed;
  }

  /** Whether a packed matrix or a pinned entry is kept under this codes dataId or pinned key. */
  has(key: object): boolean {
    return this.entries.has(key) || this.pinnedEntries.has(key);
  }

  /**
   * Packs the codes for `request.kernelName` and keeps them under `key` until `release(key)`; the codes
   * tensor may be disposed right after. False (nothing kept) for a kernel this cache cannot pin.
   */
  pin(key: object, request: PinRequest): boolean {
    const { kernelName, codes } = request;
    if (!isPinnableKernel(kernelName)) return false;
    if (codes.dtype !== 'int32') {
      throw new Error(`${kernelName} pin: the codes must be int32, got ${codes.dtype}`);
    }
    const values = codes.dataSync();
    const int32 = values instanceof Int32Array ? values : Int32Array.from(values);
    // Pinning is when a model drops its codes tensors: packed copies of earlier views die then.
    this.sweepDead();
    this.pinnedEntries.set(key, pinWeights(kernelName, int32, codes.shape));
    return true;
  }

  /** The pinned codes under `key` as int8, row-major in the pinned shape; null if not pinned here. */
  unpack(key: object): Int8Array | null {
    const entry = this.pinnedEntries.get(key);
    return entry ? unpinnedCodes(entry) : null;
  }

  /**
   * The entry a kernel reads when `attrs.pinnedWeights` is set; throws when the key is not pinned here,
   * or was pinned for a kernel that reads another layout or under another shape.
   */
  pinned(key: object, shape: number[], kernelName: PinnableKernel): PinnedEntry {
    const entry = this.pinnedEntries.get(key);
    if (!entry) {
      throw new Error(
        `${kernelName}: pinned weights not found on backend '${this.name}': released, or packed on another backend`,
      );
    }
    const compatible =
      kernelName === ClipqDepthwiseConv2DInt8
        ? entry.kernelName === kernelName
        : entry.kernelName !== ClipqDepthwiseConv2DInt8;
    if (!compatible || entry.shape.join() !== shape.join()) {
      throw new Error(
        `${kernelName}: the pinned weights were packed for ${entry.kernelName} with shape [${entry.shape}], not [${shape}]`,
      );
    }
    return entry;
  }

  /**
   * Frees the packed copy under a codes dataId or a pinned key, if any. Core calls it for a dataId only
   * once no other tensor shares it (QuantizedTensor's `releaseCodes`: tfjs clones and reshapes share
   * one); a shared dataId keeps its copy until a sweep finds the data gone.
   */
  release(key: object): void {
    this.pinnedEntries.delete(key);
    this.entries.delete(key);
  }

  /** Resident bytes of every packed matrix and pinned entry (codes and column sums). */
  bytes(): number {
    this.sweepDead();
    let total = 0;
    for (const entry of this.entries.values()) total += residentBytes(entry);
    for (const entry of this.pinnedEntries.values()) total += pinnedBytes(entry);
    return total;
  }

  /** Resident bytes under one codes dataId or pinned key (0 when there is none). */
  bytesOf(key: object): number {
    const pinned = this.pinnedEntries.get(key);
    if (pinned) return pinnedBytes(pinned);
    const entry = this.entries.get(key);
    return entry ? residentBytes(entry) : 0;
  }

  /** Drops packed matrices whose tensors no longer exist (pinned entries have no tensor; kept). */
  sweep(isLive: (dataId: object) => boolean): void {
    for (const dataId of this.entries.keys()) if (!isLive(dataId)) this.entries.delete(dataId);
  }

  /** `sweep` against the cpu backend's live data (the kernels' backend, which holds every dataId here). */
  private sweepDead(): void {
    if (this.entries.size === 0) return;
    const backend = engine().findBackend('cpu') as MathBackendCPU | null;
    if (backend) this.sweep((dataId) => backend.data.has(dataId));
  }

  /**
   * Drops every packed copy of codes tensors (re-packed on next use). Pinned entries stay: they are the
   * only copy of their codes, freed only by `release(key)`.
   */
  clear(): void {
    this.entries.clear();
  }
}

/** The one cache of the cpu backend. */
export const packedWeightCache = new CpuPackedWeightCache();
