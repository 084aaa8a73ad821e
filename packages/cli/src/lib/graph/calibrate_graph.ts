/**
 * Activation calibration of a float graph model: runs the calibration samples in batches, reading the
 * data input of every target node, and feeds them to core's range observers.
 */
import { minMax, mse, percentile, type RangeObserver } from '@clipq/core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { CalibrationSet } from '../calibration/load_calibration.js';
import type { CalibrationMethod } from '../options.js';

export function makeObserver(method: CalibrationMethod, bits: number): RangeObserver {
  if (method === 'percentile') return percentile(99.99);
  if (method === 'mse') return mse({ bits });
  return minMax();
}

export const CALIBRATION_BATCH = 32;

/** Calls `visit` with each batch of the calibration set as a tensor [n, ...sampleShape]. */
export function forEachBatch(set: CalibrationSet, visit: (batch: tf.Tensor) => void): void {
  const per = set.sampleShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < set.count; start += CALIBRATION_BATCH) {
    const n = Math.min(CALIBRATION_BATCH, set.count - start);
    const batch = tf.tensor(set.data.subarray(start * per, (start + n) * per), [
      n,
      ...set.sampleShape,
    ]);
    try {
      visit(batch);
    } finally {
      batch.dispose();
    }
  }
}

export interface ActivationSample {
  min: number;
  max: number;
  /** A subsample of the observed values (for histograms and SQNR). */
  sample: Float32Array;
}

const SAMPLE_LIMIT = 20000;

function appendSample(samples: number[], values: ArrayLike<number>): void {
  const stride = Math.max(1, Math.ceil(values.length / 2000));
  for (let i = 0; i < values.length && samples.length < SAMPLE_LIMIT; i += stride)
    samples.push(values[i]!);
}

/** Observed [min, max] of each named tensor (node input) over the calibration set. */
export function calibrateGraph(
  model: GraphModel,
  set: CalibrationSet,
  tensorNames: string[],
  method: CalibrationMethod,
  bits: number,
): Map<string, ActivationSample> {
  const observers = tensorNames.map(() => makeObserver(method, bits));
  const samples = tensorNames.map((): number[] => []);
  const inputName = model.inputs[0]!.name;
  forEachBatch(set, (batch) => {
    const outputs = model.execute({ [inputName]: batch }, tensorNames);
    const list = Array.isArray(outputs) ? outputs : [outputs];
    list.forEach((t, i) => {
      observers[i]!.update(t);
      appendSample(samples[i]!, t.dataSync());
    });
    tf.dispose(list);
  });
  const out = new Map<string, ActivationSample>();
  tensorNames.forEach((name, i) => {
    const range = observers[i]!.result();
    out.set(name, {
      min: range.min[0]!,
      max: range.max[0]!,
      sample: Float32Array.from(samples[i]!),
    });
  });
  return out;
}

/** Runs a model over the calibration set and concatenates its first output. */
export function predictAll(model: GraphModel, set: CalibrationSet): Float32Array {
  const parts: Float32Array[] = [];
  const inputName = model.inputs[0]!.name;
  forEachBatch(set, (batch) => {
    const out = model.execute({ [inputName]: batch }) as tf.Tensor | tf.Tensor[];
    const first = Array.isArray(out) ? out[0]! : out;
    parts.push(first.dataSync() as Float32Array);
    tf.dispose(out);
  });
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.length;
  }
  return all;
}
