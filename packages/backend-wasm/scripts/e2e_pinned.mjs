#!/usr/bin/env node
/**
 * bench/e2e.mjs's models (demo CNN, MobileNet-v1 0.5/128) converted twice from one QAT model: one
 * QuantizedModel keeps its int32 codes (the packed-weight cache keyed by dataId), the other is
 * `pack()`ed (pinned weights, the cache's copy the only one). Both are timed against the float model on
 * tfjs-wasm, interleaved run by run in one process; also prints resident bytes per parameter
 * (tf.memory() plus the packed-weight caches) of each, after a first predict. Build core and this package first.
 *
 *   node scripts/e2e_pinned.mjs [runs per side, default 40]
 */
import '@tensorflow/tfjs-backend-wasm';
import { packedWeightBytes } from '@clipq/core';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import { demoCnn, mobileNetV1 } from '../../../bench/e2e.mjs';

await tf.setBackend('wasm');
await tf.ready();
const runs = Number(process.argv[2] ?? 40);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const cacheBytes = () => Object.values(packedWeightBytes()).reduce((a, b) => a + b, 0);
const resident = () => tf.memory().numBytes + cacheBytes();
const models = [
  ['demo_cnn', demoCnn, [28, 28, 1]],
  ['mobilenet_v1_0.5_128', () => mobileNetV1(0.5, 128), [128, 128, 3]],
];
for (const [name, build, shape] of models) {
  const float = build();
  const calibration = tf.randomUniform([8, ...shape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
  calibration.dispose();
  const probe = tf.zeros([1, ...shape]);
  const warm = (model) => tf.dispose(model.predict(probe));
  const base = resident();
  const unpinned = convertToInt8(qat);
  warm(unpinned);
  const afterUnpinned = resident();
  const pinned = convertToInt8(qat);
  const cacheBefore = cacheBytes();
  const packedLayers = pinned.pack();
  const pinnedCache = cacheBytes() - cacheBefore;
  warm(pinned);
  const afterPinned = resident();
  probe.dispose();
  let params = 0;
  for (const weights of pinned.layers.values()) params += weights.kernel.size;
  const perParam = (bytes) => (bytes / params).toFixed(2);
  console.log(
    `${name}: ${params} quantized params, resident bytes/param (tf.memory() + packed caches): ` +
      `unpacked ${perParam(afterUnpinned - base)}, packed ${perParam(afterPinned - afterUnpinned)} ` +
      `(${packedLayers} layers packed; biases and runtime constants included), ` +
      `the pinned entries alone ${perParam(pinnedCache)}`,
  );
  for (const batch of [1, 16]) {
    const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 5);
    const time = async (model) => {
      const start = performance.now();
      const y = model.predict(x);
      await y.data();
      y.dispose();
      return performance.now() - start;
    };
    const sides = [
      ['float', float],
      ['unpinned', unpinned],
      ['pinned', pinned],
    ];
    const n = batch === 16 && name.startsWith('mobilenet') ? Math.ceil(runs / 4) : runs;
    const times = Object.fromEntries(sides.map(([side]) => [side, []]));
    for (let i = 0; i < 3; i++) for (const [, model] of sides) await time(model);
    for (let i = 0; i < n; i++) {
      const order = i % 3 === 0 ? sides : i % 3 === 1 ? [...sides].reverse() : sides.slice(1);
      for (const [side, model] of i % 3 === 2 ? [...order, sides[0]] : order)
        times[side].push(await time(model));
    }
    // Medians, then the best runs (under load the least disturbed ones).
    for (const [label, pick] of [
      ['median', median],
      ['best', (v) => Math.min(...v)],
    ]) {
      const [f, u, p] = ['float', 'unpinned', 'pinned'].map((side) => pick(times[side]));
      console.log(
        `e2e:${name}:b${batch} ${label.padEnd(6)} float ${f.toFixed(3)} ms, int8 unpinned ${u.toFixed(3)} (ratio ${(f / u).toFixed(2)}), pinned ${p.toFixed(3)} (ratio ${(f / p).toFixed(2)}); unpinned/pinned ${(u / p).toFixed(3)}`,
      );
    }
    x.dispose();
  }
}
