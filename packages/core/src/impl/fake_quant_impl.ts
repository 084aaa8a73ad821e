/**
 * Pure float32 fake-quant over typed arrays: the reference every kernel is tested against.
 * The arithmetic follows TF's functor step by step, each step rounded to float32:
 * `floor((clamp(x) - nudgedMin) / scale + 0.5) * scale + nudgedMin`.
 */
import type { Rounding } from '../kernel_names.js';
import type { ChannelLayout } from './layout.js';
import { type QuantParams, quantParamsImpl, roundHalfEven } from './quant_params_impl.js';

const f32 = Math.fround;

/** Per-channel nudged parameters for `mins`/`maxs` (length = channels, or 1 for per-tensor). */
export function channelParams(
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  bits: number,
  narrowRange: boolean,
): QuantParams[] {
  const params: QuantParams[] = [];
  for (let c = 0; c < mins.length; c++) {
    params.push(quantParamsImpl(mins[c]!, maxs[c]!, bits, narrowRange));
  }
  return params;
}

/** The grid index (0..qmax-qmin) of one value, before the final rescale. */
export function gridIndex(x: number, p: QuantParams, rounding: Rounding): number {
  const clamped = Math.min(Math.max(x, p.nudgedMin), p.nudgedMax);
  const shifted = f32(f32(clamped - p.nudgedMin) / p.scale);
  return rounding === 'half-up' ? Math.floor(f32(shifted + 0.5)) : roundHalfEven(shifted);
}

/** One value through fake-quant, float32-exact. NaN stays NaN; a zero range gives 0. */
export function fakeQuantValue(x: number, p: QuantParams, rounding: Rounding): number {
  if (p.scale === 0) return 0;
  if (Number.isNaN(x)) return Number.NaN;
  return f32(f32(gridIndex(x, p, rounding) * p.scale) + p.nudgedMin);
}

export function fakeQuantImpl(
  x: Float32Array,
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  layout: ChannelLayout,
  bits: number,
  narrowRange: boolean,
  rounding: Rounding = 'half-up',
): Float32Array {
  const params = channelParams(mins, maxs, bits, narrowRange);
  const out = new Float32Array(x.length);
  const { outer, channels, inner } = layout;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const p = params[c]!;
      for (let j = 0; j < inner; j++, i++) out[i] = fakeQuantValue(x[i]!, p, rounding);
    }
  }
  return out;
}
