/** Activation calibration of a float graph model at the data input of every target node. */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
import { type ActivationSample, observeTensors, predictAll } from '../calibration/batches.js';
import type { CalibrationSet } from '../calibration/load_calibration.js';
import type { CalibrationMethod } from '../options.js';

export type { ActivationSample };

/** Observed [min, max] (and a value sample) of each named tensor over the calibration set. */
export function calibrateGraph(
  model: GraphModel,
  set: CalibrationSet,
  tensorNames: string[],
  method: CalibrationMethod,
  bits: number,
): Map<string, ActivationSample> {
  const inputName = model.inputs[0]!.name;
  const run = (batch: tf.Tensor) => {
    const out = model.execute({ [inputName]: batch }, tensorNames);
    return Array.isArray(out) ? out : [out];
  };
  return observeTensors(set, tensorNames, run, method, bits);
}

/** A graph model's first output over the calibration set. */
export function predictGraph(model: GraphModel, set: CalibrationSet): Float32Array {
  const inputName = model.inputs[0]!.name;
  return predictAll(set, (batch) => model.execute({ [inputName]: batch }));
}
