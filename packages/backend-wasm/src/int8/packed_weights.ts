/**
 * B operands packed once per weight: int8 panels of 8 columns (see src/as/mat_mul_int8.ts), in the
 * heap next to the tensors, keyed by the codes' dataId. `QuantizedTensor.dispose()` frees them through
 * core's packed-weight cache hook (src/int8/weight_cache.ts); entries of tensors disposed another way
 * are swept on the next pack. Pinned weights (pinned_weights.ts) use the same panels, kept elsewhere.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { HeapCall } from '../heap/call.js';
import type { Heap } from '../heap/heap.js';
import { codeBoundsOf } from '../module/exports.js';

export interface PackedB {
  heap: Heap;
  /** 0 when the codes are outside int8 (such a B is never packed; the kernel uses the Impl). */
  ptr: number;
  bytes: number;
  K: number;
  N: number;
  /** k-pairs per panel: K rounded up to a multiple of 4, halved. */
  Kp: number;
  transposeB: boolean;
  codeMin: number;
  codeMax: number;
}

const entries = new Map<object, PackedB>();

/** Frees the packed copy of a codes dataId, if any. */
export function releasePacked(dataId: object): void {
  const entry = entries.get(dataId);
  if (!entry) return;
  entries.delete(dataId);
  if (entry.ptr) entry.heap.free(entry.ptr);
}

export function packedBytes(): number {
  let total = 0;
  for (const entry of entries.values()) total += entry.bytes;
  return total;
}

/**
 * Frees packed copies whose codes tensor no longer exists on its backend (pinned keys live elsewhere).
 * Runs before each pack and each pin: a model whose weights are all pinned never packs again.
 */
export function sweepPacked(): void {
  for (const [dataId, entry] of entries) {
    if (!entry.heap.backend.dataIdMap.has(dataId)) releasePacked(dataId);
  }
}

/**
 * Bytes of one k-pair across all panels: 16 per 8-column panel, and 8 for a last panel of 1–4 columns
 * (src/as/pack.ts stores it 4 wide).
 */
function panelPairBytes(N: number): number {
  const rest = N % 8;
  return Math.floor(N / 8) * 16 + (rest === 0 ? 0 : rest <= 4 ? 8 : 16);
}

/**
 * Packs the int32 codes at `codes` into new panels (not packed, ptr 0, when a code is outside int8).
 * The caller owns the result.
 */
export function packPanels(
  heap: Heap,
  codes: number,
  K: number,
  N: number,
  transposeB: boolean,
): PackedB {
  const Kp = Math.ceil(K / 4) * 2;
  const bytes = Kp * panelPairBytes(N);
  const { min, max } = codeBoundsOf(heap.exports, codes, K * N);
  const int8 = min >= -128 && max <= 127;
  const ptr = int8 ? heap.malloc(bytes) : 0;
  if (int8) heap.exports.packB(codes, K, N, transposeB ? 1 : 0, Kp, ptr);
  return {
    heap,
    ptr,
    bytes: int8 ? bytes : 0,
    K,
    N,
    Kp,
    transposeB,
    codeMin: min,
    codeMax: max,
  };
}

export function packedWeightsOf(
  heap: Heap,
  b: TensorInfo,
  K: number,
  N: number,
  transposeB: boolean,
): PackedB {
  const cached = entries.get(b.dataId);
  if (
    cached &&
    cached.heap === heap &&
    cached.K === K &&
    cached.N === N &&
    cached.transposeB === transposeB
  )
    return cached;
  if (cached) releasePacked(b.dataId);
  sweepPacked();
  const call = new HeapCall(heap);
  try {
    const entry = packPanels(heap, call.input(b), K, N, transposeB);
    entries.set(b.dataId, entry);
    return entry;
  } finally {
    call.end();
  }
}
