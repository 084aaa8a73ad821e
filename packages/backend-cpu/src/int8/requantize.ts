/**
 * The fused requantization epilogue (the kernels' `requantize` attribute): the float32 values
 * f32(f32(acc)·multiplier[n]) of a block of rows → bias, activation, then the next layer's codes,
 * exactly as core's `requantizeCodeImpl` (ClipqQuantize's float32 steps and half-up rounding).
 *
 * Why it is one loop: the float32 output would cost a full write and read-back per layer, and a
 * separate ClipqQuantize kernel a second pass; here each value is requantized while it is in a register.
 *
 * The activation is folded into the clamp: nudgedMin ≤ 0 ≤ nudgedMax (TF's nudge keeps 0 on the grid),
 * so clamp(relu(v), lo, hi) = clamp(v, max(lo, 0), hi) and clamp(relu6(v), lo, hi) =
 * clamp(v, max(lo, 0), min(hi, 6)). The sign of a zero never changes a code (±0 − lo is the same), and
 * NaN is tested first, so the fold is exact. Ranges where the fold would not hold take the plain path.
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';

const f32 = Math.fround;

/** Bounds of the activation (the fold above), or null when the range does not contain 0. */
function foldedBounds(
  r: RequantizeAttrs,
  activation: FusedActivation,
): { low: number; high: number } | null {
  if (!(r.nudgedMin <= 0 && r.nudgedMax >= 0)) return null;
  const low = activation === 'linear' ? r.nudgedMin : Math.max(r.nudgedMin, 0);
  const high = activation === 'relu6' ? Math.min(r.nudgedMax, 6) : r.nudgedMax;
  return { low, high };
}

/** The reference form of one value (used when the fold does not apply). */
function requantizeOne(v: number, activation: FusedActivation, r: RequantizeAttrs): number {
  let x = v;
  if (activation === 'relu') x = Math.max(x, 0);
  else if (activation === 'relu6') x = Math.min(Math.max(x, 0), 6);
  if (r.scale === 0 || Number.isNaN(x)) return r.zeroCode;
  const clamped = Math.min(Math.max(x, r.nudgedMin), r.nudgedMax);
  return Math.floor(f32(f32(f32(clamped - r.nudgedMin) / r.scale) + 0.5)) + r.codeMin;
}

/**
 * Codes of `count` values of `scaled` (rows of N, from `from`), written into `codes` from `to`.
 * `scaled` holds f32(f32(acc)·multiplier[n]); the bias (float32) and activation follow here.
 */
export function requantizeRows(
  scaled: Float32Array,
  from: number,
  count: number,
  N: number,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
  r: RequantizeAttrs,
  codes: Int32Array,
  to: number,
): void {
  if (r.scale === 0) {
    codes.fill(r.zeroCode, to, to + count);
    return;
  }
  const bounds = foldedBounds(r, activation);
  if (bounds === null) {
    for (let i = 0; i < count; i++) {
      const v = scaled[from + i]!;
      codes[to + i] = requantizeOne(bias === null ? v : f32(v + bias[i % N]!), activation, r);
    }
    return;
  }
  const { low, high } = bounds;
  const { nudgedMin, scale, codeMin, zeroCode } = r;
  for (let row = 0; row < count; row += N) {
    const s = from + row;
    const o = to + row;
    for (let n = 0; n < N; n++) {
      let v = scaled[s + n]!;
      if (bias !== null) v = f32(v + bias[n]!);
      if (Number.isNaN(v)) {
        codes[o + n] = zeroCode;
        continue;
      }
      const clamped = Math.min(Math.max(v, low), high);
      codes[o + n] = Math.floor(f32(f32(f32(clamped - nudgedMin) / scale) + 0.5)) + codeMin;
    }
  }
}
