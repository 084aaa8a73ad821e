/** Decoding a model's weights with the stock decoder, and the NaN/Inf check by weight name. */
import { io, type NamedTensorMap } from '@tensorflow/tfjs-core';
import { ModelError } from '../errors.js';
import type { LoadedModel } from './read_model.js';

/** Decodes every weight (stock uint8/uint16/float16 quantization included). The caller disposes. */
export function decodeWeights(model: LoadedModel): NamedTensorMap {
  const data = model.artifacts.weightData;
  if (data == null || model.artifacts.weightSpecs == null) return {};
  return io.decodeWeights(data as ArrayBuffer, model.artifacts.weightSpecs);
}

/** Throws a `ModelError` listing every float weight that holds NaN or ±Inf, by name. */
export function assertFiniteWeights(file: string, weights: NamedTensorMap): void {
  const bad: string[] = [];
  for (const [name, tensor] of Object.entries(weights)) {
    if (tensor.dtype !== 'float32') continue;
    const values = tensor.dataSync();
    let nan = 0;
    let inf = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
    }
    if (nan + inf > 0) bad.push(`${name} (${nan} NaN, ${inf} Inf)`);
  }
  if (bad.length > 0) throw new ModelError(file, `non-finite weights: ${bad.join(', ')}`);
}
