/** Checks calibration/evaluation inputs against a model's input and splits them into batches. */
import { slice, type Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export function splitBatches(
  model: tfl.LayersModel,
  inputs: Tensor | Tensor[],
  batchSize: number,
  opName: string,
): Tensor[] {
  if (model.inputs.length !== 1) {
    throw new Error(
      `${opName}: only single-input models are supported, this one has ${model.inputs.length} inputs`,
    );
  }
  const input = model.inputs[0]!;
  const inputName = input.sourceLayer.name;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new Error(`${opName}: batchSize must be a positive integer, got ${batchSize}`);
  }
  const list = Array.isArray(inputs) ? inputs : [inputs];
  const total = list.reduce((n, t) => n + (t.rank > 0 ? t.shape[0]! : 0), 0);
  if (list.length === 0 || total === 0) {
    throw new Error(
      `${opName}: the dataset is empty; input layer '${inputName}' needs at least one example`,
    );
  }
  for (const t of list) {
    const expected = input.shape;
    const matches =
      t.rank === expected.length &&
      expected.every((d, i) => i === 0 || d == null || d === t.shape[i]);
    if (!matches) {
      throw new Error(
        `${opName}: input layer '${inputName}' expects shape [${expected.map((d) => d ?? 'batch')}], got [${t.shape}]`,
      );
    }
  }
  if (Array.isArray(inputs)) return inputs;
  const batches: Tensor[] = [];
  for (let start = 0; start < total; start += batchSize) {
    const size = Math.min(batchSize, total - start);
    batches.push(slice(inputs, [start], [size]));
  }
  return batches;
}
