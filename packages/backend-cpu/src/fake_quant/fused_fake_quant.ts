/**
 * Fused fake-quant forward over a Float32Array: one pass, bit-identical to core's `fakeQuantImpl`.
 * Each step is rounded to float32 in TF's order: index = floor(f32(f32(f32(c − nudgedMin) / scale) + 0.5)),
 * y = f32(f32(index·scale) + nudgedMin). NaN needs no test: it propagates through clamp and floor.
 */
import { type ChannelLayout, type Rounding, roundHalfEven } from '@clipq/core';
import type { ChannelTable } from './channel_table.js';

const f32 = Math.fround;

export function fusedFakeQuant(
  x: Float32Array,
  table: ChannelTable,
  layout: ChannelLayout,
  rounding: Rounding,
): Float32Array {
  const out = new Float32Array(x.length);
  const { outer, channels, inner } = layout;
  const halfUp = rounding === 'half-up';
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const scale = table.scale[c];
      const low = table.nudgedMin[c];
      const high = table.nudgedMax[c];
      const end = i + inner;
      if (scale === 0) {
        i = end; // a zero range outputs 0, already in `out`
        continue;
      }
      for (; i < end; i++) {
        const v = x[i];
        const clamped = Math.min(Math.max(v, low), high);
        const shifted = f32(f32(clamped - low) / scale);
        const index = halfUp ? Math.floor(f32(shifted + 0.5)) : roundHalfEven(shifted);
        out[i] = f32(index * scale) + low;
      }
    }
  }
  return out;
}
