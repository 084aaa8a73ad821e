/**
 * One int8 GEMM on clipq.wasm, shared by ClipqMatMulInt8 and ClipqConv2DInt8. The caller's `run` packs
 * A and multiplies (M ≤ 4: GEMV kernels on A packed whole; otherwise the cache-blocked drivers of
 * src/as/gemm_chunked.ts, which pack A one chunk at a time), with the fused epilogue, and reports A's
 * code range. The exactness bound is checked afterwards: when it fails (codes far outside int8), the
 * output is discarded and null tells the caller to run core's Impl. Allocation may grow (and detach)
 * the memory, so views are made only after every allocation.
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { HeapCall } from '../heap/call.js';
import type { Heap } from '../heap/heap.js';
import { codeBoundsOf } from '../module/exports.js';
import { elementCount, epilogueBytes, outputDtype, setupEpilogue } from './epilogue.js';
import { int8PathIsExact } from './exact_range.js';
import { recordBounds, requantizedBounds } from './known_bounds.js';
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

/** Scratch handed to the caller's `run`: the packed-A chunk and its row sums, and a patch-row buffer. */
export interface GemmScratch {
  /** Packed A ([chunkRows/4][Kp][4] i32), then `chunkRows` row sums. */
  chunk: number;
  chunkRows: number;
  rowSums: number;
  /** 4 i16 patch rows of Kp·4 + 32 bytes (im2col). */
  rowBuffer: number;
  out: number;
}

/** Packs A and multiplies; returns A's smallest code (then the module's `boundsMax()`). */
export type RunGemm = (scratch: GemmScratch) => number;

/**
 * Bytes of packed A per chunk: it should stay in L2 (1 MB per core on Zen 4) while every panel of B
 * passes over it, and B is re-read once per chunk, so chunks are as large as that allows, and even
 * (64×1024×1024 in chunks of 48 + 16 rows read B twice: 68 GOP/s, against 82 in one chunk; 96, 256
 * and 512 KB measured 62, 78 and 70 GOP/s at 1024×256×256).
 */
const CHUNK_BYTES = 256 * 1024;

function scratchLayout(M: number, N: number, Kp: number) {
  const most = Math.max(4, Math.floor(CHUNK_BYTES / (Kp * 4)) & ~3);
  const chunks = Math.ceil(M / most);
  const chunkRows = Math.max(4, Math.ceil(M / chunks / 4) * 4);
  const rowSums = chunkRows * Kp * 4; // packed A comes first
  const rowBuffer = rowSums + chunkRows * 4;
  const epilogue = rowBuffer + 4 * (Kp * 4 + 32);
  const end = epilogue + epilogueBytes(N); // then the widened B panel (GEMM)
  return { chunkRows, rowSums, rowBuffer, epilogue, bytes: end + Kp * 32 };
}

export function runInt8Gemm(
  heap: Heap,
  call: HeapCall,
  packed: PackedB,
  p: Int8GemmProblem,
  run: RunGemm,
): TensorInfo | null {
  const { M, K, N } = p;
  const { Kp } = packed;
  const wasm = heap.exports;
  const zeroPointPtr = call.input(p.bZeroPoint);
  const scalePtr = call.input(p.bScale);
  const biasPtr = p.bias ? call.input(p.bias) : 0;
  const layout = scratchLayout(M, N, Kp);
  const block = call.alloc(layout.bytes);
  const out = call.output(p.outShape, outputDtype(p.requantize));
  // The module's scratch (epScratch) follows the arrays: 64 bytes, then the widened B panel (Kp·32).
  setupEpilogue(wasm, block + layout.epilogue, {
    N,
    aScale: p.aScale,
    scalePtr,
    scaleCount: elementCount(p.bScale),
    zeroPointPtr,
    zeroPointCount: elementCount(p.bZeroPoint),
    biasPtr,
    activation: p.activation,
    requantize: p.requantize,
    correctZeroPoints: true,
  });
  const aMin = run({
    chunk: block,
    chunkRows: layout.chunkRows,
    rowSums: block + layout.rowSums,
    rowBuffer: block + layout.rowBuffer,
    out,
  });
  const aMax = wasm.boundsMax();
  const aBounds = K > 0 && aMin <= aMax ? { min: aMin, max: aMax } : { min: 0, max: 0 };
  const bBounds = { min: packed.codeMin, max: packed.codeMax };
  const zeroPoints = codeBoundsOf(wasm, zeroPointPtr, elementCount(p.bZeroPoint));
  if (!int8PathIsExact(K, aBounds, p.aZeroPoint, bBounds, zeroPoints)) {
    call.discard(out);
    return null;
  }
  const result = call.result(out);
  if (p.requantize) recordBounds(result, requantizedBounds(p.requantize));
  return result;
}

/** `run` for int32 codes A [M,K] at `aPtr` (ClipqMatMulInt8, and 1×1 convolutions). */
export function codesGemm(heap: Heap, aPtr: number, packed: PackedB, p: Int8GemmProblem): RunGemm {
  const { M, K, N } = p;
  const wasm = heap.exports;
  return (s) => {
    if (M > 4)
      return wasm.gemmCodes(
        aPtr,
        M,
        K,
        p.aZeroPoint,
        packed.Kp,
        packed.ptr,
        N,
        s.out,
        s.chunk,
        s.chunkRows,
      );
    // M ≤ 4: A packed whole (one block), then the GEMV kernels (they leave boundsMax() alone).
    const aMin = wasm.packA(aPtr, M, K, p.aZeroPoint, packed.Kp, s.chunk, s.rowSums);
    if (M === 1) wasm.gemv(s.chunk, heap.i32(s.rowSums, 1)[0]!, packed.Kp, packed.ptr, N, s.out);
    else wasm.gemvRows(s.chunk, s.rowSums, M, packed.Kp, packed.ptr, N, s.out);
    return aMin;
  };
}
