/**
 * Folds the zero points into the raw code sums and applies core's fixed float32 epilogue, in one pass.
 *
 * acc = Σ(a − za)(b − zb) = Σab − zb·Σ_k a[m,k] − za·Σ_k b[k,n] + K·za·zb, all integers far below 2^53,
 * so the fold is exact in any order. Then, exactly as core's `requantizeOutputImpl`:
 * multiplier[n] = f32(aScale·bScale[n]); out = act(f32(f32(f32(acc)·multiplier[n]) + bias[n])).
 */
import type { FusedActivation } from '@clipq/core';

const f32 = Math.fround;

export interface EpilogueInput {
  M: number;
  N: number;
  K: number;
  rowSums: Float64Array;
  columnSums: Int32Array;
  aScale: number;
  aZeroPoint: number;
  bScale: ArrayLike<number>;
  bZeroPoint: ArrayLike<number>;
}

/** Per-column constants of the fold, and the multiplier. */
export interface ColumnTerms {
  zeroB: Float64Array;
  constant: Float64Array;
  multiplier: Float32Array;
}

export function columnTerms(input: EpilogueInput): ColumnTerms {
  const { N, K, aZeroPoint, bScale, bZeroPoint, aScale, columnSums } = input;
  const zeroB = new Float64Array(N);
  const constant = new Float64Array(N);
  const multiplier = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    const zb = bZeroPoint.length === 1 ? bZeroPoint[0]! : bZeroPoint[n]!;
    zeroB[n] = zb;
    constant[n] = K * aZeroPoint * zb - aZeroPoint * columnSums[n]!;
    multiplier[n] = f32(aScale * (bScale.length === 1 ? bScale[0]! : bScale[n]!));
  }
  return { zeroB, constant, multiplier };
}

/** Writes the exact accumulators Σ(a − za)(b − zb) of rows [rowStart, rowStart+rows) into `acc` [M,N]. */
export function foldRows(
  terms: ColumnTerms,
  rowSums: Float64Array,
  raw: Float64Array,
  rowStart: number,
  rows: number,
  rowStride: number,
  acc: Float64Array,
  N: number,
): void {
  const { zeroB, constant } = terms;
  for (let i = 0; i < rows; i++) {
    const rowSum = rowSums[rowStart + i]!;
    const r = i * rowStride;
    const o = (rowStart + i) * N;
    for (let n = 0; n < N; n++) acc[o + n] = raw[r + n]! - zeroB[n]! * rowSum + constant[n]!;
  }
}

/**
 * Writes f32(f32(acc)·multiplier[n]) for rows [rowStart, rowStart+rows) into `out`, row i at
 * outStart + i·N. Storing into a Float32Array rounds exactly like `f32(...)`; bias and activation follow
 * in `finishOutput` (or in the requantizing epilogue), as separate passes: that form ran 5x faster in
 * V8 than one loop with `Math.fround` and branches.
 */
export function scaleRows(
  terms: ColumnTerms,
  rowSums: Float64Array,
  raw: Float64Array,
  rowStart: number,
  rows: number,
  rowStride: number,
  out: Float32Array,
  outStart: number,
  N: number,
): void {
  const { zeroB, constant, multiplier } = terms;
  for (let i = 0; i < rows; i++) {
    const rowSum = rowSums[rowStart + i]!;
    const r = i * rowStride;
    const o = outStart + i * N;
    for (let n = 0; n < N; n++) {
      out[o + n] = f32(raw[r + n]! - zeroB[n]! * rowSum + constant[n]!) * multiplier[n]!;
    }
  }
}

/** Adds the bias (rounded to float32) and applies the activation, as core's epilogue. */
export function finishOutput(
  out: Float32Array,
  N: number,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
): void {
  if (bias !== null) {
    for (let o = 0; o < out.length; o += N) {
      for (let n = 0; n < N; n++) out[o + n] += bias[n]!;
    }
  }
  // Math.max/min as in core's `applyActivation` (they also map −0 to +0).
  if (activation === 'relu') {
    for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, 0);
  } else if (activation === 'relu6') {
    for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(out[i]!, 0), 6);
  }
}
