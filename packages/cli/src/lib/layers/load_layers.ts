/**
 * Reading a clipq layers model written by the CLI (weights only): int8 kernels are dequantized to
 * float32 so tfjs-layers can build the model; stock-encoded weights decode as usual.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { floatWeightArtifacts } from '../model_io/dequantize_clipq.js';

/** Float32 artifacts for `tf.io.fromMemory` from a clipq layers model's JSON and weights. */
export function dequantizeLayersArtifacts(
  json: Record<string, unknown>,
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): tf.io.ModelArtifacts {
  return {
    modelTopology: json.modelTopology as object,
    format: 'layers-model',
    ...floatWeightArtifacts(json, specs, data),
  };
}
