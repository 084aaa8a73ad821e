/**
 * Quantize to signed integer codes. The unsigned grid value u = gridIndex + qmin (TF's grid) is stored
 * shifted by 2^(bits-1), so 8-bit codes are int8 values: code = u − 2^(bits−1). The signed zero point
 * is zeroPoint − 2^(bits−1); a symmetric narrow-range weight gets codes in −127..127 and zero point 0.
 */
import type { Rounding } from '../kernel_names.js';
import { channelParams, gridIndex } from './fake_quant_impl.js';
import type { ChannelLayout } from './layout.js';

/** The shift between TF's unsigned grid and clipq's signed codes. */
export function codeOffset(bits: number): number {
  return 2 ** (bits - 1);
}

/** The smallest and largest code of a grid, signed. */
export function codeRange(
  bits: number,
  narrowRange: boolean,
): { codeMin: number; codeMax: number } {
  const offset = codeOffset(bits);
  return { codeMin: (narrowRange ? 1 : 0) - offset, codeMax: offset - 1 };
}

export interface QuantizeImplResult {
  codes: Int32Array;
  /** Per channel (length 1 when per tensor). */
  scale: Float32Array;
  /** Signed zero points, per channel. */
  zeroPoint: Int32Array;
}

/** Quantization parameters (scale, signed zero point) for each channel's range. */
export function quantizeParamsImpl(
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  bits: number,
  narrowRange: boolean,
): { scale: Float32Array; zeroPoint: Int32Array } {
  const params = channelParams(mins, maxs, bits, narrowRange);
  const offset = codeOffset(bits);
  return {
    scale: Float32Array.from(params, (p) => p.scale),
    zeroPoint: Int32Array.from(params, (p) => p.zeroPoint - offset),
  };
}

/** NaN inputs get the zero-point code (they dequantize to 0). */
export function quantizeImpl(
  x: Float32Array,
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  layout: ChannelLayout,
  bits: number,
  narrowRange: boolean,
  rounding: Rounding = 'half-up',
): QuantizeImplResult {
  const params = channelParams(mins, maxs, bits, narrowRange);
  const offset = codeOffset(bits);
  const codes = new Int32Array(x.length);
  const { outer, channels, inner } = layout;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const p = params[c]!;
      const base = p.qmin - offset;
      const zero = p.zeroPoint - offset;
      for (let j = 0; j < inner; j++, i++) {
        const v = x[i]!;
        codes[i] = p.scale === 0 || Number.isNaN(v) ? zero : gridIndex(v, p, rounding) + base;
      }
    }
  }
  const { scale, zeroPoint } = quantizeParamsImpl(mins, maxs, bits, narrowRange);
  return { codes, scale, zeroPoint };
}
