/**
 * Fused fake-quant backward: dx and the range sums in one pass, bit-identical to core's
 * `fakeQuantGradImpl`. The float64 sums of each channel are carried in locals within a run of `inner`
 * elements and stored back, which keeps core's order of additions (so the same rounding).
 */
import type { ChannelLayout, RangeGradient, Rounding } from '@clipq/core';
import { roundHalfEven } from '@clipq/core';
import type { ChannelTable } from './channel_table.js';

const f32 = Math.fround;

export interface FusedGradResult {
  dx: Float32Array;
  dmin: Float32Array;
  dmax: Float32Array;
}

export function fusedFakeQuantGrad(
  dy: Float32Array,
  x: Float32Array,
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  table: ChannelTable,
  layout: ChannelLayout,
  rounding: Rounding,
  rangeGradient: RangeGradient,
  gradScale: number,
): FusedGradResult {
  const { outer, channels, inner } = layout;
  const dx = new Float32Array(x.length);
  const above = new Float64Array(channels);
  const below = new Float64Array(channels);
  const roundingSum = new Float64Array(channels);
  const full = rangeGradient === 'full';
  const halfUp = rounding === 'half-up';
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const scale = table.scale[c];
      const low = table.nudgedMin[c];
      const high = table.nudgedMax[c];
      let sumAbove = above[c];
      let sumBelow = below[c];
      let sumRounding = roundingSum[c];
      for (const end = i + inner; i < end; i++) {
        const v = x[i];
        const g = dy[i];
        if (v < low) sumBelow += g;
        else if (v > high) sumAbove += g;
        else {
          dx[i] = g;
          if (full) {
            // v is inside [low, high] here, or NaN; scale 0 means y = 0.
            let y = 0;
            if (scale !== 0) {
              const shifted = f32(f32(v - low) / scale);
              const index = halfUp ? Math.floor(f32(shifted + 0.5)) : roundHalfEven(shifted);
              y = f32(f32(index * scale) + low);
            }
            sumRounding += g * (y - v);
          }
        }
      }
      above[c] = sumAbove;
      below[c] = sumBelow;
      roundingSum[c] = sumRounding;
    }
  }
  const dmin = new Float32Array(channels);
  const dmax = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const width = f32(f32(maxs[c]!) - f32(mins[c]!));
    const r = full && width > 0 ? roundingSum[c]! / width : 0;
    dmin[c] = (below[c]! - r) * gradScale;
    dmax[c] = (above[c]! + r) * gradScale;
  }
  return { dx, dmin, dmax };
}
