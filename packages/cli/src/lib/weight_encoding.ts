/**
 * Encodes one float weight for the output model, in the clipq format (BRIEF 3.4, the same metadata as
 * core's `saveQuantized`):
 * - per channel: the codes, one byte each, as stock `quantization: {dtype: 'uint8', min: -128, scale: 1}`
 *   (an int32 weight, so graph models receive codes), with scales and zero points in the metadata;
 * - per tensor: the exact stock affine encoding (min = −(128 + zeroPoint)·scale), which stock decoders
 *   turn into the real dequantized values;
 * - portable: float32 with tfjs's own per-tensor uint8 encoding, loadable anywhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TargetKind } from './graph/graph_def.js';
import { codesLayout } from './graph/plan.js';
import { sqnrDb } from './stats.js';
import { encodeStockUint8, quantizeSymmetric } from './weight_quantization.js';

/** The per-weight entry of `userDefinedMetadata.clipq.weights` (core's `ClipqWeightMetadata`, plus `op`). */
export interface WeightMetadata {
  name: string;
  layer: string;
  op?: string;
  bits: number;
  narrowRange: boolean;
  encoding: 'per-tensor' | 'per-channel';
  axis: number | null;
  codesShape: number[];
  scale: number[];
  zeroPoint: number[];
}

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
  /** Null for portable outputs (stock encoding, nothing clipq-specific). */
  metadata: WeightMetadata | null;
}

export interface EncodeOptions {
  bits: number;
  perChannel: boolean;
  portable: boolean;
}

export function encodeWeight(
  name: string,
  layer: string,
  kind: TargetKind,
  weight: tf.Tensor,
  transposeB: boolean,
  options: EncodeOptions,
): EncodedWeight {
  const reference = weight.dataSync() as Float32Array;
  if (options.portable) {
    const stock = encodeStockUint8(reference);
    return {
      spec: {
        name,
        shape: weight.shape,
        dtype: 'float32',
        quantization: { dtype: 'uint8', min: stock.min, scale: stock.scale },
      },
      bytes: stock.bytes,
      scheme: 'uint8 affine per tensor (stock, portable)',
      weightSqnrDb: sqnrDb(reference, stock.dequantized),
      reference,
      dequantized: stock.dequantized,
      rangeMin: stock.min,
      rangeMax: stock.min + 255 * stock.scale,
      metadata: null,
    };
  }
  const layout = codesLayout(kind, weight.shape, transposeB);
  const axis = options.perChannel ? layout.axis : null;
  const view = tf.reshape(weight, layout.codesShape);
  let q: ReturnType<typeof quantizeSymmetric>;
  try {
    q = quantizeSymmetric(view, axis, { bits: options.bits });
  } finally {
    view.dispose();
  }
  const maxScale = Math.max(...q.scale);
  const qmax = 2 ** (options.bits - 1) - 1;
  const bytes = Uint8Array.from(q.codes, (c) => c + 128);
  const perTensor = q.axis == null;
  const spec: tf.io.WeightsManifestEntry = perTensor
    ? {
        name,
        shape: weight.shape,
        dtype: 'float32',
        quantization: {
          dtype: 'uint8',
          min: -(128 + q.zeroPoint[0]!) * q.scale[0]!,
          scale: q.scale[0]!,
        },
      }
    : {
        name,
        shape: weight.shape,
        dtype: 'int32',
        quantization: { dtype: 'uint8', min: -128, scale: 1 },
      };
  return {
    spec,
    bytes,
    scheme: `int${options.bits} symmetric ${perTensor ? 'per tensor' : 'per channel'}`,
    weightSqnrDb: sqnrDb(reference, q.dequantized),
    reference,
    dequantized: q.dequantized,
    rangeMin: -maxScale * qmax,
    rangeMax: maxScale * qmax,
    metadata: {
      name,
      layer,
      bits: options.bits,
      narrowRange: true,
      encoding: perTensor ? 'per-tensor' : 'per-channel',
      axis: q.axis,
      codesShape: layout.codesShape,
      scale: Array.from(q.scale),
      zeroPoint: Array.from(q.zeroPoint),
    },
  };
}
