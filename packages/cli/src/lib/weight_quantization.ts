/**
 * Quantizing one float weight: symmetric (narrow range, zero point 0) per output channel or per tensor
 * through core's `quantize`, and the stock per-tensor uint8 encoding used by `--portable`.
 */
import { dequantize, quantize } from '@clipq/core';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';

export interface QuantizedWeight {
  /** Signed codes, in the layout of the tensor that was quantized. */
  codes: Int32Array;
  scale: Float32Array;
  zeroPoint: Int32Array;
  /** Channel axis, or null per tensor. */
  axis: number | null;
  bits: number;
  /** The dequantized values (what the int8 runtime computes with). */
  dequantized: Float32Array;
}

/** ±max|w| per channel along `axis` (or over the whole tensor). */
export function symmetricBounds(
  values: ArrayLike<number>,
  shape: number[],
  axis: number | null,
): Float32Array {
  const channels = axis == null ? 1 : shape[axis]!;
  const inner = axis == null ? values.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const bounds = new Float32Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = axis == null ? 0 : Math.floor(i / inner) % channels;
    bounds[c] = Math.max(bounds[c]!, Math.abs(values[i]!));
  }
  // A channel of zeros still needs a valid (non-empty) range.
  return bounds.map((m) => (m > 0 ? m : 1e-8));
}

export function quantizeSymmetric(
  weight: Tensor,
  axis: number | null,
  options: { bits: number },
): QuantizedWeight {
  const maxs = symmetricBounds(weight.dataSync(), weight.shape, axis);
  const mins = maxs.map((m) => -m);
  const q =
    axis == null
      ? quantize(weight, mins[0]!, maxs[0]!, { bits: options.bits, symmetric: true })
      : quantize(weight, mins, maxs, { bits: options.bits, symmetric: true, axis });
  try {
    const dequantized = tidy(() => dequantize(q).dataSync() as Float32Array);
    return {
      codes: q.codes.dataSync() as Int32Array,
      scale: q.scale,
      zeroPoint: q.zeroPoint,
      axis: q.axis,
      bits: q.bits,
      dequantized,
    };
  } finally {
    q.dispose();
  }
}

export interface StockUint8Weight {
  bytes: Uint8Array;
  min: number;
  scale: number;
  dequantized: Float32Array;
}

/**
 * tfjs's own per-tensor affine uint8 encoding (value = byte·scale + min), which every stock loader
 * decodes. The range is widened to contain 0 so that zeros stay exact.
 */
export function encodeStockUint8(values: Float32Array): StockUint8Weight {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? Math.fround((hi - lo) / 255) : 1;
  const min = Math.fround(Math.round(lo / scale) * scale);
  const bytes = new Uint8Array(values.length);
  const dequantized = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = Math.min(255, Math.max(0, Math.round((values[i]! - min) / scale)));
    bytes[i] = q;
    dequantized[i] = Math.fround(q * scale + min);
  }
  return { bytes, min, scale, dequantized };
}
