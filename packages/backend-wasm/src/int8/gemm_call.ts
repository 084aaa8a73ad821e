/**
 * One int8 GEMM on clipq.wasm, shared by ClipqMatMulInt8 and ClipqConv2DInt8: packs A with the given
 * packer (which also reports A's code range), checks that the int32 path is exact, then runs the GEMV
 * (M = 1), 4-row GEMV (M ≤ 4) or GEMM kernel with the fused epilogue. Returns null when core's Impl
 * must run instead. Allocation may grow (and detach) the memory, so views are made only after the
 * output is allocated.
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { HeapCall } from '../heap/call.js';
import type { Heap } from '../heap/heap.js';
import { codeBoundsOf } from '../module/exports.js';
import { ACTIVATION_CODES, epilogueBytes, outputDtype, setRequantize } from './epilogue.js';
import { int8PathIsExact } from './exact_range.js';
import type { PackedB } from './packed_weights.js';

export interface Int8GemmProblem {
  M: number;
  K: number;
  N: number;
  aScale: number;
  aZeroPoint: number;
  activation: FusedActivation;
  /** Per-column inputs: float32 [N] or [1], int32 [N] or [1], optional float32 [N]. */
  bScale: TensorInfo;
  bZeroPoint: TensorInfo;
  bias: TensorInfo | null;
  outShape: number[];
  /** Fused requantization to int32 codes (RequantizeAttrs), or null for float32 output. */
  requantize: RequantizeAttrs | null;
}

/** Writes packed A at `block` and row sums at `rowSums`; returns A's smallest code (then `boundsMax()`). */
export type PackA = (block: number, rowSums: number) => number;

/** Offsets inside the per-call scratch block. */
function scratchLayout(M: number, N: number, Kp: number) {
  const Mp = Math.ceil(M / 4) * 4;
  const rowSums = Mp * Kp * 4; // packed A comes first
  const epilogue = rowSums + Mp * 4;
  const scratch = epilogue + epilogueBytes(N); // partial panels, then the widened panel (GEMM)
  return { rowSums, epilogue, scratch, bytes: scratch + 64 + (M > 4 ? Kp * 32 : 0) };
}

export function runInt8Gemm(
  heap: Heap,
  call: HeapCall,
  packed: PackedB,
  p: Int8GemmProblem,
  packA: PackA,
): TensorInfo | null {
  const { M, K, N } = p;
  const { Kp } = packed;
  const wasm = heap.exports;
  const zeroPointPtr = call.input(p.bZeroPoint);
  const layout = scratchLayout(M, N, Kp);
  const block = call.alloc(layout.bytes);
  const aMin = packA(block, block + layout.rowSums);
  const aMax = wasm.boundsMax();
  const aBounds = K > 0 && aMin <= aMax ? { min: aMin, max: aMax } : { min: 0, max: 0 };
  const bBounds = { min: packed.codeMin, max: packed.codeMax };
  const zeroPoints = codeBoundsOf(
    wasm,
    zeroPointPtr,
    p.bZeroPoint.shape.reduce((x, y) => x * y, 1),
  );
  if (!int8PathIsExact(K, aBounds, p.aZeroPoint, bBounds, zeroPoints)) return null;
  const scalePtr = call.input(p.bScale);
  const biasPtr = p.bias ? call.input(p.bias) : 0;
  const out = call.output(p.outShape, outputDtype(p.requantize));
  const count = (info: TensorInfo) => info.shape.reduce((x, y) => x * y, 1);
  const columns = Math.ceil(N / 8) * 8;
  wasm.prepareEpilogue(
    block + layout.epilogue,
    N,
    columns,
    p.aScale,
    scalePtr,
    count(p.bScale),
    zeroPointPtr,
    count(p.bZeroPoint),
    biasPtr,
  );
  const padded = Math.ceil(N / 8) * 8 * 4;
  const epilogue = block + layout.epilogue;
  const activation = ACTIVATION_CODES[p.activation];
  const bias = p.bias ? epilogue + 2 * padded : 0;
  wasm.setEpilogue(epilogue, epilogue + padded, bias, activation, block + layout.scratch);
  setRequantize(wasm, p.requantize);
  const rowSums = block + layout.rowSums;
  if (M === 1) wasm.gemv(block, heap.i32(rowSums, 1)[0]!, Kp, packed.ptr, N, out);
  else if (M <= 4) wasm.gemvRows(block, rowSums, M, Kp, packed.ptr, N, out);
  else wasm.gemm(block, rowSums, M, Kp, packed.ptr, N, out);
  return call.result(out);
}
