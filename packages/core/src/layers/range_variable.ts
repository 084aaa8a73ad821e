/**
 * Range weights of the QAT layers: one [2] or [2, C] weight (row 0 = min, row 1 = max) with
 * `rangeConstraint()` and, for λ > 0, `rangePenalty(λ)`, plus reading and writing it as min/max arrays.
 */
import { tensor, tidy } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RangeConstraint } from '../range/range_constraint.js';
import { RangePenalty } from '../range/range_penalty.js';
import { RangeInitializer } from './range_initializer.js';

export interface LearnedRange {
  min: Float32Array;
  max: Float32Array;
}

type AddWeight = (...args: Parameters<tfl.layers.Layer['addWeight']>) => tfl.LayerVariable;

export function addRangeWeight(
  layer: tfl.layers.Layer,
  name: string,
  shape: number[],
  initial: [number, number],
  options: { epsilon: number; rangePenalty: number },
): tfl.LayerVariable {
  const penalty =
    options.rangePenalty > 0 ? new RangePenalty({ lambda: options.rangePenalty }) : undefined;
  // addWeight is protected in tfjs-layers' typings; the QAT layers call it for themselves.
  const addWeight = (layer as unknown as { addWeight: AddWeight }).addWeight.bind(layer);
  return addWeight(
    name,
    shape,
    'float32',
    new RangeInitializer({ min: initial[0], max: initial[1] }) as never,
    penalty as never,
    true,
    new RangeConstraint({ epsilon: options.epsilon }) as never,
  );
}

export function readRange(variable: tfl.LayerVariable): LearnedRange {
  const values = variable.read().dataSync() as Float32Array;
  const half = values.length / 2;
  return { min: values.slice(0, half), max: values.slice(half) };
}

export function writeRange(
  variable: tfl.LayerVariable,
  min: ArrayLike<number>,
  max: ArrayLike<number>,
  name: string,
): void {
  const shape = variable.shape as number[];
  const values = Float32Array.from([...Array.from(min), ...Array.from(max)]);
  if (values.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new Error(
      `layer '${name}': a range of shape [${shape}] needs ${shape[1] ?? 1} min and max values, got ${min.length} and ${max.length}`,
    );
  }
  // write() applies the range constraint, so the range always contains 0 and has width ≥ ε.
  tidy(() => {
    variable.write(tensor(values, shape));
  });
}
