/**
 * Encodes one float weight for the output model (BRIEF 3.4):
 * - int8: symmetric codes (per channel or per tensor), stored one byte each as an int32 weight with the
 *   stock `quantization: {dtype: 'uint8', min: -128, scale: 1}` encoding, which is exact;
 * - portable: float32 with tfjs's own per-tensor uint8 encoding, which every stock loader decodes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TargetKind } from './graph/graph_def.js';
import { weightView } from './graph/plan.js';
import { sqnrDb } from './stats.js';
import { encodeStockUint8, quantizeSymmetric } from './weight_quantization.js';

export interface EncodedWeight {
  spec: tf.io.WeightsManifestEntry;
  bytes: Uint8Array;
  scheme: string;
  weightSqnrDb: number;
  /** The float values and the dequantized ones, in the weight's own layout. */
  reference: Float32Array;
  dequantized: Float32Array;
  rangeMin: number;
  rangeMax: number;
  /** Scales when int8 (empty for portable). */
  scale: Float32Array;
  metadata: Record<string, unknown>;
}

export interface EncodeOptions {
  bits: number;
  perChannel: boolean;
  portable: boolean;
}

export function encodeWeight(
  name: string,
  kind: TargetKind,
  weight: tf.Tensor,
  transposeB: boolean,
  options: EncodeOptions,
): EncodedWeight {
  const reference = weight.dataSync() as Float32Array;
  if (options.portable) {
    const stock = encodeStockUint8(reference);
    return {
      spec: { name, shape: weight.shape, dtype: 'float32', quantization: { dtype: 'uint8', min: stock.min, scale: stock.scale } },
      bytes: stock.bytes,
      scheme: 'uint8 affine per tensor (stock, portable)',
      weightSqnrDb: sqnrDb(reference, stock.dequantized),
      reference,
      dequantized: stock.dequantized,
      rangeMin: stock.min,
      rangeMax: stock.min + 255 * stock.scale,
      scale: new Float32Array(0),
      metadata: { dtype: 'uint8', scheme: 'stock-affine', min: stock.min, scale: stock.scale },
    };
  }
  const { view, axis } = weightView(kind, weight.shape, transposeB);
  const view2d = tf.reshape(weight, view);
  let quantized: ReturnType<typeof quantizeSymmetric>;
  try {
    quantized = quantizeSymmetric(view2d, axis, { bits: options.bits, perChannel: options.perChannel });
  } finally {
    view2d.dispose();
  }
  const maxScale = Math.max(...quantized.scale);
  const qmax = 2 ** (options.bits - 1) - 1;
  return {
    spec: { name, shape: weight.shape, dtype: 'int32', quantization: { dtype: 'uint8', min: -128, scale: 1 } },
    bytes: Uint8Array.from(quantized.codes, (c) => c + 128),
    scheme: `int${options.bits} symmetric ${quantized.axis == null ? 'per tensor' : 'per channel'}`,
    weightSqnrDb: sqnrDb(reference, quantized.dequantized),
    reference,
    dequantized: quantized.dequantized,
    rangeMin: -maxScale * qmax,
    rangeMax: maxScale * qmax,
    scale: quantized.scale,
    metadata: {
      dtype: 'int8',
      bits: options.bits,
      scheme: 'symmetric',
      narrowRange: true,
      // The channel axis of the 2-D view [rows, channels] (or [channels, rows]) described by `view`.
      view,
      axis: quantized.axis,
      scale: Array.from(quantized.scale),
      zeroPoint: Array.from(quantized.zeroPoint),
    },
  };
}
