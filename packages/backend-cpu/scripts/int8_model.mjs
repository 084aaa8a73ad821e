/**
 * Shared by the profiling scripts: a bench model (bench/e2e.mjs) prepared as the e2e rows prepare it
 * (QAT, min/max calibration on 8 random inputs, converted to int8) on the cpu backend with this
 * package's kernels, returning the float model and the int8 runtime.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@clipq/backend-cpu';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import { Int8Runtime } from '../../core/dist/runtime/int8_runtime.js';

export async function int8Model(build, inputShape) {
  await tf.setBackend('cpu');
  const float = build();
  const calibration = tf.randomUniform([8, ...inputShape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
  const converted = convertToInt8(qat);
  calibration.dispose();
  return { float, converted, runtime: new Int8Runtime(converted.model, converted.layers) };
}
