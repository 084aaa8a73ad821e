/**
 * Quantize in one pass, bit-identical to core's `quantizeImpl` (signed codes: code = gridIndex + qmin −
 * 2^(bits−1)), reading the nudge from a flat per-channel table instead of one object per element.
 */
import { type ChannelLayout, codeOffset, type Rounding, roundHalfEven } from '@clipq/core';
import type { ChannelTable } from './channel_table.js';

const f32 = Math.fround;

export function fusedQuantize(
  x: Float32Array,
  table: ChannelTable,
  layout: ChannelLayout,
  bits: number,
  rounding: Rounding,
): Int32Array {
  const codes = new Int32Array(x.length);
  const { outer, channels, inner } = layout;
  const offset = codeOffset(bits);
  const halfUp = rounding === 'half-up';
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const scale = table.scale[c];
      const low = table.nudgedMin[c];
      const high = table.nudgedMax[c];
      const base = table.qmin - offset;
      const zero = table.zeroPoint[c] - offset;
      for (const end = i + inner; i < end; i++) {
        const v = x[i];
        if (scale === 0 || Number.isNaN(v)) {
          codes[i] = zero; // NaN and zero ranges get the zero point
          continue;
        }
        const clamped = Math.min(Math.max(v, low), high);
        const shifted = f32(f32(clamped - low) / scale);
        codes[i] = (halfUp ? Math.floor(f32(shifted + 0.5)) : roundHalfEven(shifted)) + base;
      }
    }
  }
  return codes;
}
