/**
 * Dequantize signed codes, bit-identical to fake-quant's float32 output.
 *
 * TF computes y = f32(f32(gridIndex · scale) + nudgedMin). The textbook (code − zeroPoint)·scale is the
 * same real number but can differ by one float32 ulp, so every backend uses TF's two-step form:
 *   y = f32(f32((code − codeMin) · scale) + f32((codeMin − zeroPoint) · scale))
 * where codeMin is the grid's smallest signed code.
 */
import type { ChannelLayout } from './layout.js';
import { codeRange } from './quantize_impl.js';

const f32 = Math.fround;

export function dequantizeImpl(
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
      for (let j = 0; j < inner; j++, i++) {
        out[i] = s === 0 ? 0 : f32(f32((codes[i]! - codeMin) * s) + nudgedMin);
      }
    }
  }
  return out;
}
