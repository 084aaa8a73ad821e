/**
 * Float values of a clipq model's weights: int8 codes (int32 weights, one byte each on disk) times their
 * per-channel scales from `userDefinedMetadata.clipq.weights`; every other weight decodes as stored.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface Int8WeightMetadata {
  dtype: string;
  view: [number, number];
  axis: number | null;
  scale: number[];
}

export function clipqWeightMetadata(json: Record<string, unknown>): Record<string, Int8WeightMetadata> {
  const meta = json.userDefinedMetadata as { clipq?: { weights?: Record<string, Int8WeightMetadata> } } | undefined;
  return meta?.clipq?.weights ?? {};
}

/** Dequantizes one int8 weight: value = code · scale[channel] (zero point 0, symmetric). */
export function dequantizeCodes(codes: ArrayLike<number>, meta: Int8WeightMetadata): Float32Array {
  const cols = meta.view[1];
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const channel = meta.axis == null ? 0 : meta.axis === 1 ? i % cols : Math.floor(i / cols);
    out[i] = Math.fround(codes[i]! * meta.scale[channel]!);
  }
  return out;
}

/** Every weight as a float32 (or int32 for integer weights) tensor. The caller disposes. */
export function dequantizedWeights(
  json: Record<string, unknown>,
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): tf.NamedTensorMap {
  const metadata = clipqWeightMetadata(json);
  const decoded = tf.io.decodeWeights(data, specs);
  for (const spec of specs) {
    const meta = metadata[spec.name];
    if (meta?.dtype !== 'int8') continue;
    const codes = decoded[spec.name]!;
    decoded[spec.name] = tf.tensor(dequantizeCodes(codes.dataSync(), meta), codes.shape, 'float32');
    codes.dispose();
  }
  return decoded;
}
