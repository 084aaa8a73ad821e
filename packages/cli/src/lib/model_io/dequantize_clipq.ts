/**
 * Float values of a clipq model's weights (the format of core's `saveQuantized`, which the CLI's graph
 * models share): 'per-channel' weights are stored as codes, value = (code − zeroPoint[c])·scale[c] along
 * `axis` of `codesShape`; 'per-tensor' weights and everything else decode to real values as stored.
 */
import * as tf from '@tensorflow/tfjs-core';
import { concatBytes } from '../graph/weight_bytes.js';
import type { WeightMetadata } from '../weight_encoding.js';

export interface ClipqModelMetadata {
  formatVersion: number;
  portable?: boolean;
  producer?: string;
  modelFormat?: string;
  weightsOnly?: boolean;
  weights: WeightMetadata[];
  activations: { layer: string; min: number; max: number; bits: number; input?: string }[];
}

export function clipqMetadata(json: Record<string, unknown>): ClipqModelMetadata | null {
  const meta = (json.userDefinedMetadata as { clipq?: ClipqModelMetadata } | undefined)?.clipq;
  if (meta == null) return null;
  return {
    ...meta,
    weights: Array.isArray(meta.weights) ? meta.weights : [],
    activations: Array.isArray(meta.activations) ? meta.activations : [],
  };
}

export function clipqWeightMetadata(json: Record<string, unknown>): Record<string, WeightMetadata> {
  return Object.fromEntries((clipqMetadata(json)?.weights ?? []).map((w) => [w.name, w]));
}

/** Dequantizes stored codes: (code − zeroPoint[c])·scale[c], channel c along `axis` of `codesShape`. */
export function dequantizeCodes(codes: ArrayLike<number>, meta: WeightMetadata): Float32Array {
  const axis = meta.axis;
  const channels = axis == null ? 1 : meta.codesShape[axis]!;
  const inner =
    axis == null ? codes.length : meta.codesShape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = axis == null ? 0 : Math.floor(i / inner) % channels;
    out[i] = Math.fround((codes[i]! - meta.zeroPoint[c]!) * meta.scale[c]!);
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
    if (meta?.encoding !== 'per-channel') {
      if (meta != null && decoded[spec.name]!.dtype !== 'float32') {
        const t = decoded[spec.name]!;
        decoded[spec.name] = tf.cast(t, 'float32');
        t.dispose();
      }
      continue;
    }
    const codes = decoded[spec.name]!;
    decoded[spec.name] = tf.tensor(dequantizeCodes(codes.dataSync(), meta), codes.shape, 'float32');
    codes.dispose();
  }
  return decoded;
}

/** The dequantized weights re-encoded as plain float32 (or int32) specs and bytes, in manifest order. */
export function floatWeightArtifacts(
  json: Record<string, unknown>,
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const floats = dequantizedWeights(json, specs, data);
  try {
    const weightSpecs = specs.map((s) => ({
      name: s.name,
      shape: s.shape,
      dtype: floats[s.name]!.dtype as 'float32' | 'int32',
    }));
    const parts = specs.map((s) => {
      const values = floats[s.name]!.dataSync();
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    });
    return { weightSpecs, weightData: concatBytes(parts) };
  } finally {
    tf.dispose(Object.values(floats));
  }
}
