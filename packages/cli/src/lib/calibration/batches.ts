/**
 * Running a model over a calibration set in batches: observed activation ranges (core's observers)
 * with a value sample for histograms and SQNR, and the concatenated model outputs. Shared by the graph
 * and layers converters; each passes a function that runs its model on one batch.
 */
import { minMax, mse, percentile, type RangeObserver } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import type { CalibrationMethod } from '../options.js';
import type { CalibrationSet } from './load_calibration.js';

export const CALIBRATION_BATCH = 32;
/** Values kept per observed tensor for histograms and SQNR (a strided subsample). */
const SAMPLE_LIMIT = 20000;

export interface ActivationSample {
  min: number;
  max: number;
  sample: Float32Array;
}

export function makeObserver(method: CalibrationMethod, bits: number): RangeObserver {
  if (method === 'percentile') return percentile(99.99);
  if (method === 'mse') return mse({ bits });
  return minMax();
}

/** Calls `visit` with each batch of the calibration set as a tensor [n, ...sampleShape]. */
export function forEachBatch(set: CalibrationSet, visit: (batch: tf.Tensor) => void): void {
  const per = set.sampleShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < set.count; start += CALIBRATION_BATCH) {
    const n = Math.min(CALIBRATION_BATCH, set.count - start);
    const data = set.data.subarray(start * per, (start + n) * per);
    const batch = tf.tensor(data, [n, ...set.sampleShape]);
    try {
      visit(batch);
    } finally {
      batch.dispose();
    }
  }
}

function appendSample(samples: number[], values: ArrayLike<number>): void {
  const stride = Math.max(1, Math.ceil(values.length / 2000));
  for (let i = 0; i < values.length && samples.length < SAMPLE_LIMIT; i += stride) {
    samples.push(values[i]!);
  }
}

/** Per-tensor ranges and samples of the tensors `run` returns for each batch, keyed by `names`. */
export function observeTensors(
  set: CalibrationSet,
  names: string[],
  run: (batch: tf.Tensor) => tf.Tensor[],
  method: CalibrationMethod,
  bits: number,
): Map<string, ActivationSample> {
  const result = new Map<string, ActivationSample>();
  if (names.length === 0) return result;
  const observers = names.map(() => makeObserver(method, bits));
  const samples = names.map((): number[] => []);
  forEachBatch(set, (batch) => {
    const list = run(batch);
    list.forEach((t, i) => {
      observers[i]!.update(t);
      appendSample(samples[i]!, t.dataSync());
    });
    tf.dispose(list);
  });
  names.forEach((name, i) => {
    const range = observers[i]!.result();
    result.set(name, {
      min: range.min[0]!,
      max: range.max[0]!,
      sample: Float32Array.from(samples[i]!),
    });
  });
  return result;
}

/** The first output of `run` over the whole calibration set, concatenated. */
export function predictAll(
  set: CalibrationSet,
  run: (batch: tf.Tensor) => tf.Tensor | tf.Tensor[],
): Float32Array {
  const parts: Float32Array[] = [];
  forEachBatch(set, (batch) => {
    const out = run(batch);
    parts.push((Array.isArray(out) ? out[0]! : out).dataSync() as Float32Array);
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
