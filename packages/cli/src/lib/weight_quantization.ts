/**
 * Quantizing one float weight: symmetric int8 (narrow range, zero point 0) per output channel or per
 * tensor through core's `quantize`, and the stock per-tensor uint8 encoding used by `--portable`.
 */
import { dequantize, quantize } from '@clipq/core';
import { type Tensor, tidy } from '@tensorflow/tfjs-core';

export interface QuantizedWeight {
  /** Signed codes in the weight's original shape. */
  codes: Int32Array;
  scale: Float32Array;
  zeroPoint: Int32Array;
  /** Channel axis of the 2-D view, or null per tensor. */
  axis: number | null;
  bits: number;
  /** The dequantized values (what the int8 runtime computes with). */
  dequantized: Float32Array;
}

/** Symmetric quantization of a 2-D view of a weight, per channel along `axis` or per tensor. */
export function quantizeSymmetric(
  view: Tensor,
  axis: number,
  options: { bits: number; perChannel: boolean },
): QuantizedWeight {
  const channels = view.shape[axis]!;
  const values = view.dataSync() as Float32Array;
  const rows = view.shape[0]!;
  const cols = view.shape[1]!;
  const absMax = new Float32Array(options.perChannel ? channels : 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const channel = options.perChannel ? (axis === 1 ? c : r) : 0;
      absMax[channel] = Math.max(absMax[channel]!, Math.abs(values[r * cols + c]!));
    }
  }
  // A channel of zeros still needs a valid (non-empty) range.
  const maxs = absMax.map((m) => (m > 0 ? m : 1e-8));
  const mins = maxs.map((m) => -m);
  const q = options.perChannel
    ? quantize(view, mins, maxs, { bits: options.bits, symmetric: true, axis })
    : quantize(view, mins[0]!, maxs[0]!, { bits: options.bits, symmetric: true });
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
    dequantized[i] = q * scale + min;
  }
  return { bytes, min, scale, dequantized };
}
