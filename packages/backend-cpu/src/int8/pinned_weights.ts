/**
 * Pinned weights (core's `QuantizedTensor.pack`): the only copy of a layer's codes, kept by the cpu
 * cache under a key after the int32 codes tensor is gone, at one byte per code. The matmul and the
 * convolution keep the packed panels their GEMM reads (the direct small-patch conv unpacks its few
 * codes per call); the depthwise conv keeps its filter as a plain Int8Array in the filter's own layout.
 */

import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
  type PinnableKernel,
} from '@clipq/core';
import {
  assertInt8Code,
  type PackedWeights,
  packWeights,
  residentBytes,
  unpackWeights,
} from './packed_weights.js';

const PINNABLE_KERNELS: readonly string[] = [
  ClipqMatMulInt8,
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
];

export type PinnedEntry =
  /** Matmul b [K,N] or conv filter [kh,kw,Cin,Cout] as the GEMM's [kh·kw·Cin, Cout] panels. */
  | { kernelName: 'ClipqMatMulInt8' | 'ClipqConv2DInt8'; shape: number[]; packed: PackedWeights }
  /** Depthwise filter [kh,kw,Cin,multiplier], row-major. */
  | { kernelName: 'ClipqDepthwiseConv2DInt8'; shape: number[]; codes: Int8Array };

export function isPinnableKernel(name: string): name is PinnableKernel {
  return PINNABLE_KERNELS.includes(name);
}

/** Packs `codes` (int32, row-major in `shape`) for `kernelName`; throws on a wrong rank or a non-int8 code. */
export function pinWeights(
  kernelName: PinnableKernel,
  codes: Int32Array,
  shape: number[],
): PinnedEntry {
  const op = `${kernelName} pin`;
  const rank = kernelName === ClipqMatMulInt8 ? 2 : 4;
  if (shape.length !== rank) {
    throw new Error(`${op}: the weights must be ${rank}-D, got shape [${shape}]`);
  }
  const what = kernelName === ClipqMatMulInt8 ? 'b' : 'filter';
  if (kernelName === ClipqDepthwiseConv2DInt8) {
    const int8 = new Int8Array(codes.length);
    for (let i = 0; i < codes.length; i++) {
      assertInt8Code(codes[i]!, i, what, op);
      int8[i] = codes[i]!;
    }
    return { kernelName, shape: shape.slice(), codes: int8 };
  }
  const N = shape[rank - 1]!;
  const K = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { kernelName, shape: shape.slice(), packed: packWeights(codes, K, N, false, what, op) };
}

/** The pinned codes as int8, row-major in the pinned shape (a fresh copy). */
export function unpinnedCodes(entry: PinnedEntry): Int8Array {
  return 'packed' in entry ? unpackWeights(entry.packed) : entry.codes.slice();
}

/** Resident bytes: one per code, plus a packed matrix's column sums (4 bytes per output channel). */
export function pinnedBytes(entry: PinnedEntry): number {
  return 'packed' in entry ? residentBytes(entry.packed) : entry.codes.byteLength;
}
