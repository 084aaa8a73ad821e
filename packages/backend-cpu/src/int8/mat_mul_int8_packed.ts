/**
 * The int8 matmul over a packed B, as pure typed-array functions (the kernel wraps them). Chooses the
 * GEMV path for M ≤ 4, where each weight is used by few rows and unpacking B into pairs cannot pay off,
 * and the packed-pair GEMM otherwise.
 */
import type { FusedActivation } from '@clipq/core';
import { type EpilogueInput, foldZeroPoints, requantize } from './epilogue.js';
import { gemmPackedPairs } from './gemm_packed_pairs.js';
import { TILE_ROWS } from './gemm_tile.js';
import { gemvRow } from './gemv.js';
import {
  assertInt8Code,
  INT8_MAX,
  INT8_MIN,
  PANEL_WIDTH,
  type PackedWeights,
  panelCount,
} from './packed_weights.js';

/** The largest M that takes the GEMV path. */
export const GEMV_MAX_ROWS = 4;

export interface MatMulInt8Operands {
  /** A's codes, [M,K] row-major. */
  a: Int32Array;
  M: number;
  weights: PackedWeights;
  aScale: number;
  aZeroPoint: number;
  bScale: ArrayLike<number>;
  bZeroPoint: ArrayLike<number>;
}

/**
 * The GEMM's accumulators, reused across calls: allocating (and page-faulting) a fresh Float64Array
 * cost half a millisecond per 512 KB. Returned zeroed.
 */
let rawBuffer = new Float64Array(0);
function rawScratch(length: number): Float64Array {
  if (rawBuffer.length < length) rawBuffer = new Float64Array(length);
  else rawBuffer.fill(0, 0, length);
  return rawBuffer;
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

/** Raw sums Σ a·b with the fold's inputs. */
function rawProducts(operands: MatMulInt8Operands): EpilogueInput {
  const { a, M, weights } = operands;
  const { K, N } = weights;
  const rowSums = rowSumsOf(a, M, K);
  const rowStride = panelCount(N) * PANEL_WIDTH;
  let raw: Float64Array;
  if (M <= GEMV_MAX_ROWS) {
    raw = new Float64Array(M * rowStride);
    const row = new Float64Array(K);
    for (let m = 0; m < M; m++) {
      for (let k = 0; k < K; k++) row[k] = a[m * K + k];
      gemvRow(row, weights, raw, m * rowStride);
    }
  } else {
    raw = rawScratch(Math.ceil(M / TILE_ROWS) * TILE_ROWS * rowStride);
    gemmPackedPairs(a, M, weights, raw);
  }
  return { ...operands, raw, rowStride, N, K, rowSums, columnSums: weights.columnSums };
}

/** The exact accumulators Σ(a − za)(b − zb), [M,N] (what core's `matMulInt8AccImpl` returns). */
export function matMulInt8AccPacked(operands: MatMulInt8Operands): Float64Array {
  return foldZeroPoints(rawProducts(operands));
}

/** The float32 result [M,N], bit-identical to core's `matMulInt8Impl`. */
export function matMulInt8Packed(
  operands: MatMulInt8Operands,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
): Float32Array {
  return requantize(rawProducts(operands), bias, activation);
}
