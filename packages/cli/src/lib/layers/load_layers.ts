/**
 * Reading a clipq layers model: int8 kernels are dequantized to float32 so tfjs-layers can build the
 * model; stock-encoded weights decode as usual.
 */
import * as tf from '@tensorflow/tfjs-core';
import { dequantizedWeights } from '../model_io/dequantize_clipq.js';

/** Float32 artifacts for `tf.io.fromMemory` from a clipq layers model's JSON and weights. */
export function dequantizeLayersArtifacts(
  json: Record<string, unknown>,
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): tf.io.ModelArtifacts {
  const floats = dequantizedWeights(json, specs, data);
  const weightSpecs: tf.io.WeightsManifestEntry[] = specs.map((s) => ({
    name: s.name,
    shape: s.shape,
    dtype: floats[s.name]!.dtype as 'float32' | 'int32',
  }));
  const parts = specs.map((s) => {
    const values = floats[s.name]!.dataSync();
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  });
  tf.dispose(Object.values(floats));
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.length;
  }
  return {
    modelTopology: json.modelTopology as object,
    format: 'layers-model',
    weightSpecs,
    weightData: weightData.buffer,
  };
}
