/**
 * Per-layer profile of the int8 runtime against the same float model (a development tool, not a bench row):
 * `node bench/profile-layers.mjs [wasm|cpu]` after building. Times each runtime step (wasm and cpu kernels
 * are synchronous, so wall time per step is the layer's cost) and each float layer's `call`.
 */
import '@tensorflow/tfjs-backend-wasm';
import '@clipq/backend-wasm';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import { Int8Runtime } from '../packages/core/dist/runtime/int8_runtime.js';
import { demoCnn, mobileNetV1 } from './e2e.mjs';

const backend = process.argv[2] ?? 'wasm';
if (backend === 'cpu') await import('@clipq/backend-cpu');
await tf.setBackend(backend);
await tf.ready();
for (const [name, build, shape, batch] of [
  ['demo', demoCnn, [28, 28, 1], 16],
  ['mnet', () => mobileNetV1(0.5, 128), [128, 128, 3], 1],
  ['mnet', () => mobileNetV1(0.5, 128), [128, 128, 3], 16],
]) {
  const float = build();
  const cal = tf.randomUniform([8, ...shape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  await calibrate(qat, cal, { method: 'minmax', batchSize: 8 });
  const conv = convertToInt8(qat);
  const rt = new Int8Runtime(conv.model, conv.layers);
  const x = tf.randomUniform([batch, ...shape]);
  for (let i = 0; i < 3; i++) {
    rt.predict(x).dispose();
    float.predict(x).dispose();
  }
  // per-layer timing
  const times = new Map();
  for (const step of rt.steps) {
    const orig = step.compiled.run;
    step.compiled._orig = orig;
    step.compiled.run = (inp) => {
      const t0 = performance.now();
      const r = orig(inp);
      times.set(step.layer.name, (times.get(step.layer.name) ?? 0) + performance.now() - t0);
      return r;
    };
  }
  const N = 10;
  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const y = rt.predict(x);
    y.dataSync();
    y.dispose();
  }
  const ti = (performance.now() - t0) / N;
  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const y = float.predict(x);
    y.dataSync();
    y.dispose();
  }
  const tf32 = (performance.now() - t0) / N;
  console.log(
    `${name} b${batch}: int8 ${ti.toFixed(2)} ms, float ${tf32.toFixed(2)} ms, ratio ${(tf32 / ti).toFixed(2)}`,
  );
  const plan = rt.plan();
  // float per-layer
  const ftimes = new Map();
  for (const l of float.layers) {
    if (!l.call) continue;
    const oc = l.call.bind(l);
    l.call = (i, k) => {
      const t = performance.now();
      const r = oc(i, k);
      ftimes.set(l.name, (ftimes.get(l.name) ?? 0) + performance.now() - t);
      return r;
    };
  }
  for (let i = 0; i < N; i++) {
    const y = float.predict(x);
    y.dataSync();
    y.dispose();
  }
  const fl = float.layers;
  const fnames = fl.filter((l) => ftimes.has(l.name)).map((l) => l.name);
  let fi = 0;
  plan.forEach((p) => {
    const fn = p.path.startsWith('quantize') ? null : fnames[fi++];
    console.log(
      `  ${p.layer.padEnd(36)} int8 ${(times.get(p.layer) / N).toFixed(3).padStart(8)}  float ${fn ? (ftimes.get(fn) / N).toFixed(3).padStart(8) : '       -'}  ${p.path}`,
    );
  });
  conv.dispose();
  float.dispose();
}
