/**
 * Quantize and dequantize in one pass each, bit-identical to core's `quantizeImpl` and `dequantizeImpl`
 * (signed codes: code = gridIndex + qmin − 2^(bits−1); dequantize in TF's two-step float32 form).
 */
import {
  type ChannelLayout,
  codeOffset,
  codeRange,
  type Rounding,
  roundHalfEven,
} from '@clipq/core';
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

export function fusedDequantize(
  codes: Int32Array,
  scale: ArrayLike<number>,
  zeroPoint: ArrayLike<number>,
  layout: ChannelLayout,
  bits: number,
  narrowRange: boolean,
): Float32Array {
  const { codeMin } = codeRange(bits, narrowRange);
  const out = new Float32Array(codes.length);
  const { outer, channels, inner } = layout;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = f32(scale[c]!);
      const nudgedMin = f32((codeMin - zeroPoint[c]!) * s);
      const end = i + inner;
      if (s === 0) {
        i = end;
        continue;
      }
      for (; i < end; i++) out[i] = f32((codes[i] - codeMin) * s) + nudgedMin;
    }
  }
  return out;
}
