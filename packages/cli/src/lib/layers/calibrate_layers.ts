/** Samples of layer outputs over the calibration set (histograms, activation SQNR, local ranges). */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CalibrationSet } from '../calibration/load_calibration.js';
import { forEachBatch, makeObserver } from '../graph/calibrate_graph.js';
import type { CalibrationMethod } from '../options.js';

export interface ActivationStats {
  min: number;
  max: number;
  sample: Float32Array;
}

const SAMPLE_LIMIT = 20000;

/** Observed ranges and value samples of the named layers' outputs. */
export function observeLayers(
  model: tfl.LayersModel,
  layerNames: string[],
  set: CalibrationSet,
  method: CalibrationMethod,
  bits: number,
): Map<string, ActivationStats> {
  const result = new Map<string, ActivationStats>();
  if (layerNames.length === 0) return result;
  const outputs = layerNames.map((n) => model.getLayer(n).output as tfl.SymbolicTensor);
  const probe = tfl.model({ inputs: model.inputs, outputs });
  const observers = layerNames.map(() => makeObserver(method, bits));
  const samples = layerNames.map((): number[] => []);
  forEachBatch(set, (batch) => {
    const out = probe.predict(batch) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t, i) => {
      observers[i]!.update(t);
      const values = t.dataSync();
      const stride = Math.max(1, Math.ceil(values.length / 2000));
      for (let j = 0; j < values.length && samples[i]!.length < SAMPLE_LIMIT; j += stride)
        samples[i]!.push(values[j]!);
    });
    tf.dispose(list);
  });
  layerNames.forEach((name, i) => {
    const r = observers[i]!.result();
    result.set(name, { min: r.min[0]!, max: r.max[0]!, sample: Float32Array.from(samples[i]!) });
  });
  return result;
}

export function predictAll(
  model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] },
  set: CalibrationSet,
): Float32Array {
  const parts: Float32Array[] = [];
  forEachBatch(set, (batch) => {
    const out = model.predict(batch);
    const first = Array.isArray(out) ? out[0]! : out;
    parts.push(first.dataSync() as Float32Array);
    tf.dispose(out);
  });
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}
