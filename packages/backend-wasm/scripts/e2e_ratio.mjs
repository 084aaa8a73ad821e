#!/usr/bin/env node
/**
 * bench/e2e.mjs's models (demo CNN, MobileNet-v1 0.5/128) on the int8 runtime against the float model
 * on tfjs-wasm, interleaved run by run, reporting the median and the best of each side: under a loaded
 * machine the best runs are the ones least disturbed. Build core and this package first.
 *
 *   node scripts/e2e_ratio.mjs [runs per side, default 40]
 */
import '@tensorflow/tfjs-backend-wasm';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import { demoCnn, mobileNetV1 } from '../../../bench/e2e.mjs';
import { Int8Runtime } from '../../core/dist/runtime/int8_runtime.js';

await tf.setBackend('wasm');
await tf.ready();
const runs = Number(process.argv[2] ?? 40);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const models = [
  ['demo_cnn', demoCnn, [28, 28, 1]],
  ['mobilenet_v1_0.5_128', () => mobileNetV1(0.5, 128), [128, 128, 3]],
];
for (const [name, build, shape] of models) {
  const float = build();
  const calibration = tf.randomUniform([8, ...shape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
  const converted = convertToInt8(qat);
  const runtime = new Int8Runtime(converted.model, converted.layers);
  for (const batch of [1, 16]) {
    const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 5);
    const time = async (model) => {
      const start = performance.now();
      const y = model.predict(x);
      await y.data();
      y.dispose();
      return performance.now() - start;
    };
    const n = batch === 16 && name.startsWith('mobilenet') ? Math.ceil(runs / 4) : runs;
    for (let i = 0; i < 3; i++) {
      await time(runtime);
      await time(float);
    }
    const int8 = [];
    const f32 = [];
    for (let i = 0; i < n; i++) {
      if (i % 2) {
        int8.push(await time(runtime));
        f32.push(await time(float));
      } else {
        f32.push(await time(float));
        int8.push(await time(runtime));
      }
    }
    const [mi, mf] = [median(int8), median(f32)];
    const [bi, bf] = [Math.min(...int8), Math.min(...f32)];
    console.log(
      `e2e:${name}:b${batch}  median int8 ${mi.toFixed(3)} / float ${mf.toFixed(3)} ms = ${(mf / mi).toFixed(2)}   best ${bi.toFixed(3)} / ${bf.toFixed(3)} ms = ${(bf / bi).toFixed(2)}`,
    );
    x.dispose();
  }
}
