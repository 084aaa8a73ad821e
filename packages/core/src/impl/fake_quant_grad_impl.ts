/**
 * Pure fake-quant backward over typed arrays (BRIEF 1, "Backward").
 *
 * dx is the straight-through estimator inside the nudged range. For each channel, A sums dy above the
 * range and B below it; 'full' adds R = Σ_in-range dy·(y − x)/(max − min), the rounding-error term of
 * LSQ/NNCF, so the range moves even when nothing clips. Sums are accumulated in float64.
 */
import type { RangeGradient, Rounding } from '../kernel_names.js';
import { channelParams, fakeQuantValue } from './fake_quant_impl.js';
import type { ChannelLayout } from './layout.js';

export interface FakeQuantGradResult {
  dx: Float32Array;
  dmin: Float32Array;
  dmax: Float32Array;
}

export function fakeQuantGradImpl(
  dy: Float32Array,
  x: Float32Array,
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  layout: ChannelLayout,
  bits: number,
  narrowRange: boolean,
  rounding: Rounding,
  rangeGradient: RangeGradient,
  gradScale = 1,
): FakeQuantGradResult {
  const params = channelParams(mins, maxs, bits, narrowRange);
  const { outer, channels, inner } = layout;
  const dx = new Float32Array(x.length);
  const above = new Float64Array(channels);
  const below = new Float64Array(channels);
  const rounding_ = new Float64Array(channels);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const p = params[c]!;
      for (let j = 0; j < inner; j++, i++) {
        const xi = x[i]!;
        const g = dy[i]!;
        if (xi < p.nudgedMin) below[c] += g;
        else if (xi > p.nudgedMax) above[c] += g;
        else {
          dx[i] = g;
          if (rangeGradient === 'full') rounding_[c] += g * (fakeQuantValue(xi, p, rounding) - xi);
        }
      }
    }
  }
  const dmin = new Float32Array(channels);
  const dmax = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const width = Math.fround(Math.fround(maxs[c]!) - Math.fround(mins[c]!));
    const r = rangeGradient === 'full' && width > 0 ? rounding_[c]! / width : 0;
    dmin[c] = (below[c]! - r) * gradScale;
    dmax[c] = (above[c]! + r) * gradScale;
  }
  return { dx, dmin, dmax };
}
