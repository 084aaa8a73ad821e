/**
 * The int8 matmul over a packed B, as pure typed-array functions (the kernel wraps them). Chooses the
 * GEMV path for M ≤ 4, where each weight is used by few rows and unpacking B into pairs cannot pay off,
 * and the packed-pair GEMM otherwise.
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';
import type { PatchRows } from './conv_patch_rows.js';
import { columnTerms, type EpilogueInput, finishOutput, foldRows, scaleRows } from './epilogue.js';
import { gemmPackedPairs, matrixRows, type RawRowsSink } from './gemm_packed_pairs.js';
import { gemvRow } from './gemv.js';
import {
  assertInt8Code,
  INT8_MAX,
  INT8_MIN,
  PANEL_WIDTH,
  type PackedWeights,
  panelCount,
} from './packed_weights.js';
import { requantizeBlock, requantizer } from './requantize.js';

/** The largest M that takes the GEMV path. */
export const GEMV_MAX_ROWS = 4;

export interface MatMulInt8Operands {
  /** A's codes, [M,K] row-major, or a convolution's image patches (always the GEMM path). */
  a: Int32Array | PatchRows;
  M: number;
  weights: PackedWeights;
  aScale: number;
  aZeroPoint: number;
  bScale: ArrayLike<number>;
  bZeroPoint: ArrayLike<number>;
}

/** Checks A's codes and returns Σ_k a[m,k] per row. */
function rowSumsOf(a: Int32Array, M: number, K: number): Float64Array {
  const sums = new Float64Array(M);
  for (let m = 0; m < M; m++) {
    let sum = 0;
    let low = 0;
    let high = 0;
    for (let i = m * K, end = i + K; i < end; i++) {
      const code = a[i];
      sum += code;
      if (code < low) low = code;
      else if (code > high) high = code;
    }
    if (low < INT8_MIN || high > INT8_MAX) {
      for (let i = m * K; i < (m + 1) * K; i++) assertInt8Code(a[i], i, 'a');
    }
    sums[m] = sum;
  }
  return sums;
}

/** Whether every zero point of B is 0 (symmetric weights): then A's row sums drop out of the fold. */
function symmetric(bZeroPoint: ArrayLike<number>): boolean {
  for (let n = 0; n < bZeroPoint.length; n++) if (bZeroPoint[n] !== 0) return false;
  return true;
}

/** Computes the raw sums Σ a·b, row block by row block, into `sink`; returns the fold's inputs. */
function rawProducts(
  operands: MatMulInt8Operands,
  sink: (input: EpilogueInput) => RawRowsSink,
): EpilogueInput {
  const { a, M, weights } = operands;
  const { K, N } = weights;
  const rowSums =
    a instanceof Int32Array
      ? rowSumsOf(a, M, K)
      : symmetric(operands.bZeroPoint)
        ? new Float64Array(M)
        : a.rowSums();
  const input: EpilogueInput = { ...operands, N, K, rowSums, columnSums: weights.columnSums };
  const rows = sink(input);
  if (!(a instanceof Int32Array)) {
    gemmPackedPairs(a, weights, rows);
  } else if (M <= GEMV_MAX_ROWS) {
    const rowStride = panelCount(N) * PANEL_WIDTH;
    const raw = new Float64Array(rowStride);
    const row = new Float64Array(K);
    for (let m = 0; m < M; m++) {
      for (let k = 0; k < K; k++) row[k] = a[m * K + k];
      gemvRow(row, weights, raw, 0);
      rows(raw, m, 1, rowStride);
    }
  } else {
    gemmPackedPairs(matrixRows(a, M, K), weights, rows);
  }
  return input;
}

/** The exact accumulators Σ(a − za)(b − zb), [M,N] (what core's `matMulInt8AccImpl` returns). */
export function matMulInt8AccPacked(operands: MatMulInt8Operands): Float64Array {
  const { M, weights } = operands;
  const acc = new Float64Array(M * weights.N);
  rawProducts(operands, (input) => {
    const terms = columnTerms(input);
    return (raw, rowStart, rows, rowStride) =>
      foldRows(terms, input.rowSums, raw, rowStart, rows, rowStride, acc, input.N);
  });
  return acc;
}

/** The float32 result [M,N], bit-identical to core's `matMulInt8Impl`. */
export function matMulInt8Packed(
  operands: MatMulInt8Operands,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
): Float32Array {
  const { M, weights } = operands;
  const out = new Float32Array(M * weights.N);
  rawProducts(operands, (input) => {
    const terms = columnTerms(input);
    return (raw, rowStart, rows, rowStride) =>
      scaleRows(
        terms,
        input.rowSums,
        raw,
        rowStart,
        rows,
        rowStride,
        out,
        rowStart * input.N,
        input.N,
      );
  });
  finishOutput(out, weights.N, bias, activation);
  return out;
}

/**
 * The result requantized to the next layer's codes [M,N] (the `requantize` attribute), bit-identical
 * to `requantizeCodesImpl(matMulInt8Impl(...))`: each block of raw sums goes to codes in one fused
 * loop (requantize.ts); the float32 [M,N] result is never materialized.
 */
export function matMulInt8PackedCodes(
  operands: MatMulInt8Operands,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
  requantize: RequantizeAttrs,
): Int32Array {
  const { M, weights } = operands;
  const { N } = weights;
  const codes = new Int32Array(M * N);
  rawProducts(operands, (input) => {
    const terms = columnTerms(input);
    const q = requantizer(requantize, activation, terms.multiplier, bias, terms);
    return (raw, rowStart, rows, rowStride) =>
      requantizeBlock(q, raw, rows, rowStride, input.rowSums, rowStart, codes, rowStart * N);
  });
  return codes;
}

/** The kernels' output: float32, or int32 codes when the `requantize` attribute is set. */
export function matMulInt8Output(
  operands: MatMulInt8Operands,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
  requantize: RequantizeAttrs | null | undefined,
): { values: Float32Array | Int32Array; dtype: 'float32' | 'int32' } {
  return requantize
    ? { values: matMulInt8PackedCodes(operands, bias, activation, requantize), dtype: 'int32' }
    : { values: matMulInt8Packed(operands, bias, activation), dtype: 'float32' };
}
