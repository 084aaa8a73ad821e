/**
 * B operands packed once per weight: int8 panels of 8 columns (see src/as/mat_mul_int8.ts), in the
 * heap next to the tensors, keyed by the codes' dataId. `QuantizedTensor.dispose()` frees them through
 * core's packed-weight cache hook; entries of tensors disposed another way are swept on the next pack.
 */
import { type PackedWeightCache, registerPackedWeightCache } from '@clipq/core';
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

export const wasmPackedWeightCache: PackedWeightCache = {
  name: 'wasm',
  release(dataId: object): void {
    const entry = entries.get(dataId);
    if (!entry) return;
    entries.delete(dataId);
    if (entry.ptr) entry.heap.free(entry.ptr);
  },
  bytes(): number {
    let total = 0;
    for (const entry of entries.values()) total += entry.bytes;
    return total;
  },
};

export function registerWasmPackedWeightCache(): void {
  registerPackedWeightCache(wasmPackedWeightCache);
}

/** Frees packed copies whose codes tensor no longer exists on its backend. */
function sweep(): void {
  for (const [dataId, entry] of entries) {
    if (!entry.heap.backend.dataIdMap.has(dataId)) wasmPackedWeightCache.release(dataId);
  }
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
  if (cached) wasmPackedWeightCache.release(b.dataId);
  sweep();
  const Kp = Math.ceil(K / 4) * 2;
  const bytes = Math.ceil(N / 8) * Kp * 16;
  const call = new HeapCall(heap);
  try {
    const codes = call.input(b);
    const { min, max } = codeBoundsOf(heap.exports, codes, K * N);
    const int8 = min >= -128 && max <= 127;
    const ptr = int8 ? heap.malloc(bytes) : 0;
    if (int8) heap.exports.packB(codes, K, N, transposeB ? 1 : 0, Kp, ptr);
    const entry: PackedB = {
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
    entries.set(b.dataId, entry);
    return entry;
  } finally {
    call.end();
  }
}
