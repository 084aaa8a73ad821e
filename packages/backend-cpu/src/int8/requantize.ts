/**
 * The fused requantization epilogue (the kernels' `requantize` attribute): a block of accumulators →
 * core's float32 epilogue v = act(f32(f32(f32(acc)·multiplier[n]) + bias[n])) → the next layer's code,
 * exactly as core's `requantizeCodeImpl` (ClipqQuantize's float32 steps and half-up rounding).
 *
 * Why one loop: the float32 output would cost a full write and read-back per layer, and a separate
 * ClipqQuantize kernel a second pass; here each value goes from accumulator to code in registers
 * (measured 1.3x faster than a float32 scaling pass followed by a requantizing pass).
 *
 * The GEMM hands over raw code sums; the zero-point fold acc = raw − zb[n]·rowSum[m] + constant[n]
 * (see epilogue.ts) happens here too. Direct kernels pass exact accumulators (zero fold terms).
 *
 * The activation is folded into the clamp: nudgedMin ≤ 0 ≤ nudgedMax (TF's nudge keeps 0 on the grid),
 * so clamp(relu(v), lo, hi) = clamp(v, max(lo, 0), hi) and clamp(relu6(v), lo, hi) =
 * clamp(v, max(lo, 0), min(hi, 6)). The sign of a zero never changes a code (±0 − lo is the same), and
 * with finite multipliers and biases no value is NaN, so the fold is exact. Ranges where it would not
 * hold, and non-finite multipliers or biases, take the reference path (requantizeOne).
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';

const f32 = Math.fround;

export interface Requantizer {
  r: RequantizeAttrs;
  activation: FusedActivation;
  multipliers: Float32Array;
  bias: ArrayLike<number> | null;
  /** Zero-point fold per column: acc = raw − zeroB[n]·rowSum + constant[n]. */
  zeroB: Float64Array;
  constant: Float64Array;
  /** Whether the fold terms are all 0 (direct kernels): then a lighter loop runs. */
  exact: boolean;
  /**
   * The clamp with the activation folded in, or null when the fast loops do not apply: a range that
   * does not contain 0, or a multiplier or bias that is not finite (the only ways to get NaN).
   */
  bounds: { low: number; high: number } | null;
}

function allFinite(values: ArrayLike<number> | null): boolean {
  if (values === null) return true;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export function requantizer(
  r: RequantizeAttrs,
  activation: FusedActivation,
  multipliers: Float32Array,
  bias: ArrayLike<number> | null,
  fold: { zeroB: Float64Array; constant: Float64Array } | null = null,
): Requantizer {
  const N = multipliers.length;
  const foldable =
    r.nudgedMin <= 0 && r.nudgedMax >= 0 && allFinite(multipliers) && allFinite(bias);
  const bounds = foldable
    ? {
        low: activation === 'linear' ? r.nudgedMin : Math.max(r.nudgedMin, 0),
        high: activation === 'relu6' ? Math.min(r.nudgedMax, 6) : r.nudgedMax,
      }
    : null;
  return {
    r,
    activation,
    multipliers,
    bias,
    zeroB: fold?.zeroB ?? new Float64Array(N),
    constant: fold?.constant ?? new Float64Array(N),
    exact: fold === null,
    bounds,
  };
}

/** The reference form of one float32 output value (used when the fold does not apply). */
function requantizeOne(v: number, activation: FusedActivation, r: RequantizeAttrs): number {
  let x = v;
  if (activation === 'relu') x = Math.max(x, 0);
  else if (activation === 'relu6') x = Math.min(Math.max(x, 0), 6);
  if (r.scale === 0 || Number.isNaN(x)) return r.zeroCode;
  const clamped = Math.min(Math.max(x, r.nudgedMin), r.nudgedMax);
  return Math.floor(f32(f32(f32(clamped - r.nudgedMin) / r.scale) + 0.5)) + r.codeMin;
}

/**
 * Codes of `rows` rows of N: row i's sums at raw[i·rowStride ...], its row sum rowSums[rowSumStart + i]
 * (rowSums null: 0), written into codes[to + i·N ...].
 */
export function requantizeBlock(
  q: Requantizer,
  raw: Float64Array,
  rows: number,
  rowStride: number,
  rowSums: Float64Array | null,
  rowSumStart: number,
  codes: Int32Array,
  to: number,
): void {
  const { r, multipliers, bias, zeroB, constant, bounds } = q;
  const N = multipliers.length;
  if (r.scale === 0) {
    codes.fill(r.zeroCode, to, to + rows * N);
    return;
  }
  if (bounds === null) {
    for (let i = 0; i < rows; i++) {
      const rowSum = rowSums === null ? 0 : rowSums[rowSumStart + i]!;
      for (let n = 0; n < N; n++) {
        const acc = raw[i * rowStride + n]! - zeroB[n]! * rowSum + constant[n]!;
        const v = f32(f32(acc) * multipliers[n]!);
        codes[to + i * N + n] = requantizeOne(
          bias === null ? v : f32(v + bias[n]!),
          q.activation,
          r,
        );
      }
    }
    return;
  }
  // Fast loops. v cannot be NaN (finite multipliers and bias; an overflowing product is ±Infinity,
  // which the clamp handles), so the ternary clamp equals Math.min/max up to the sign of a zero (which
  // never changes a code), and the rounded value is ≥ 0.5, so `| 0` is the floor.
  const { low, high } = bounds;
  const { nudgedMin, scale, codeMin } = r;
  if (q.exact) {
    // Exact accumulators (no fold), the direct kernels' case: measured 1.5x faster than the loop below.
    for (let i = 0; i < rows; i++) {
      const s = i * rowStride;
      const o = to + i * N;
      for (let n = 0; n < N; n++) {
        let v = f32(f32(raw[s + n]!) * multipliers[n]!);
        if (bias !== null) v = f32(v + bias[n]!);
        // biome-ignore lint/complexity/useMathMinMax: measured 1.13x faster than Math.min/max here
        const clamped = v < low ? low : v > high ? high : v;
        codes[o + n] = (f32(f32(f32(clamped - nudgedMin) / scale) + 0.5) | 0) + codeMin;
      }
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    const rowSum = rowSums === null ? 0 : rowSums[rowSumStart + i]!;
    const s = i * rowStride;
    const o = to + i * N;
    for (let n = 0; n < N; n++) {
      let v = f32(f32(raw[s + n]! - zeroB[n]! * rowSum + constant[n]!) * multipliers[n]!);
      if (bias !== null) v = f32(v + bias[n]!);
      // biome-ignore lint/complexity/useMathMinMax: measured 1.13x faster than Math.min/max here
      const clamped = v < low ? low : v > high ? high : v;
      codes[o + n] = (f32(f32(f32(clamped - nudgedMin) / scale) + 0.5) | 0) + codeMin;
    }
  }
}
