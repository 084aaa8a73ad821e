/** Samples and ranges of layer outputs over the calibration set (histograms and activation SQNR). */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type ActivationSample, observeTensors, predictAll } from '../calibration/batches.js';
import type { CalibrationSet } from '../calibration/load_calibration.js';
import type { CalibrationMethod } from '../options.js';

export function observeLayers(
  model: tfl.LayersModel,
  layerNames: string[],
  set: CalibrationSet,
  method: CalibrationMethod,
  bits: number,
): Map<string, ActivationSample> {
  if (layerNames.length === 0) return new Map();
  const outputs = layerNames.map((n) => model.getLayer(n).output as tfl.SymbolicTensor);
  const probe = tfl.model({ inputs: model.inputs, outputs });
  const run = (batch: tf.Tensor) => {
    const out = probe.predict(batch) as tf.Tensor | tf.Tensor[];
    return Array.isArray(out) ? out : [out];
  };
  return observeTensors(set, layerNames, run, method, bits);
}

/** A layers model's (or QuantizedModel's) first output over the calibration set. */
export function predictLayers(
  model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] },
  set: CalibrationSet,
): Float32Array {
  return predictAll(set, (batch) => model.predict(batch));
}
