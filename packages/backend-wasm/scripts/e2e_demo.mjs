#!/usr/bin/env node
/**
 * The demo CNN exactly as bench/e2e.mjs builds it (seed reset, converted, `pack()`ed, QuantizedModel.predict
 * with an awaited read-back) against the float model on tfjs-wasm, interleaved run by run, at batch 1 and
 * 16; then the int8 runtime's steps timed one by one (wall time: wasm kernels are synchronous), with the
 * float model's layers likewise. Core's runtime fuses each Conv2D + 2×2 MaxPooling2D on this backend.
 * Build core and this package first.
 *
 *   node scripts/e2e_demo.mjs [runs per side, default 60] [repeats, default 1]
 *   PROFILE=<batch> …  then times each runtime step
 */
import '@tensorflow/tfjs-backend-wasm';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '../dist/index.js';
import { e2eModels } from '../../../bench/models.mjs';

await tf.setBackend('wasm');
await tf.ready();
const runs = Number(process.argv[2] ?? 60);
const repeats = Number(process.argv[3] ?? 1);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const definitions = e2eModels(tfl);
definitions.resetSeed();
const float = definitions.demoCnn();
const calibration = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3);
const qat = prepareQat(float);
await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
const converted = convertToInt8(qat);
converted.pack();
const timeOf = async (model, x) => {
  const start = performance.now();
  const y = model.predict(x);
  await y.data();
  y.dispose();
  return performance.now() - start;
};
for (let repeat = 0; repeat < repeats; repeat++) {
  for (const batch of [1, 16]) {
    const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 5);
    for (let i = 0; i < 20; i++) {
      await timeOf(converted, x);
      await timeOf(float, x);
    }
    const int8 = [];
    const f32 = [];
    for (let i = 0; i < runs; i++) {
      const pair = i % 2 ? [converted, float] : [float, converted];
      for (const model of pair) (model === float ? f32 : int8).push(await timeOf(model, x));
    }
    const [mi, mf, bi, bf] = [median(int8), median(f32), Math.min(...int8), Math.min(...f32)];
    console.log(
      `e2e:demo_cnn:b${batch}  median int8 ${mi.toFixed(3)} / float ${mf.toFixed(3)} ms = ${(mf / mi).toFixed(2)}   best ${bi.toFixed(3)} / ${bf.toFixed(3)} = ${(bf / bi).toFixed(2)}`,
    );
    x.dispose();
  }
}
if (process.env.PLAN) converted.runtime().summary();
if (process.env.PROFILE) {
  const batch = Number(process.env.PROFILE);
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 5);
  const runtime = converted.runtime();
  const times = new Map();
  for (const step of runtime.steps) {
    const original = step.compiled.run;
    step.compiled.run = (inputs) => {
      const start = performance.now();
      const result = original(inputs);
      const list = times.get(step.layer.name) ?? [];
      list.push(performance.now() - start);
      times.set(step.layer.name, list);
      return result;
    };
  }
  const total = [];
  for (let i = 0; i < 200; i++) total.push(await timeOf(converted, x));
  for (const [name, list] of times)
    console.log(`  ${name.padEnd(36)} ${median(list).toFixed(4)} ms`);
  console.log(`  total (predict + read-back) ${median(total).toFixed(4)} ms`);
}
