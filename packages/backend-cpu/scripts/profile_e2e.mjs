/**
 * Per-layer profile of the e2e models on the cpu backend: int8 runtime step times next to the float
 * model's layer times (run after building core and this package):
 *   node packages/backend-cpu/scripts/profile_e2e.mjs [demo|mnet|all] [batch...]
 */
import * as tf from '@tensorflow/tfjs-core';
import { demoCnn, mobileNetV1 } from '../../../bench/e2e.mjs';
import { int8Model } from './int8_model.mjs';

const which = process.argv[2] ?? 'all';
const batches = process.argv.slice(3).map(Number);
const models = [
  ['demo', demoCnn, [28, 28, 1]],
  ['mnet', () => mobileNetV1(0.5, 128), [128, 128, 3]],
].filter(([name]) => which === 'all' || which === name);
for (const [name, build, shape] of models) {
  const { float, converted: conv, runtime: rt } = await int8Model(build, shape);
  for (const batch of batches.length ? batches : [1, 16]) {
    const x = tf.randomUniform([batch, ...shape]);
    for (let i = 0; i < 5; i++) {
      rt.predict(x).dispose();
      float.predict(x).dispose();
    }
    const times = new Map();
    for (const step of rt.steps) {
      const orig = step.compiled._orig ?? step.compiled.run;
      step.compiled._orig = orig;
      step.compiled.run = (inp) => {
        const t0 = performance.now();
        const r = orig(inp);
        times.set(step.layer.name, (times.get(step.layer.name) ?? 0) + performance.now() - t0);
        return r;
      };
    }
    const N = batch > 1 ? 10 : 40;
    let ti = Infinity;
    let tf32 = Infinity;
    for (let round = 0; round < 3; round++) {
      let t0 = performance.now();
      for (let i = 0; i < N; i++) {
        const y = rt.predict(x);
        y.dataSync();
        y.dispose();
      }
      ti = Math.min(ti, (performance.now() - t0) / N);
      t0 = performance.now();
      for (let i = 0; i < N; i++) {
        const y = float.predict(x);
        y.dataSync();
        y.dispose();
      }
      tf32 = Math.min(tf32, (performance.now() - t0) / N);
    }
    console.log(
      `${name} b${batch}: int8 ${ti.toFixed(2)} ms, float ${tf32.toFixed(2)} ms, ratio ${(tf32 / ti).toFixed(2)}`,
    );
    const ftimes = new Map();
    for (const l of float.layers) {
      if (!l.call || l._origCall) continue;
      l._origCall = l.call.bind(l);
      l.call = (i, k) => {
        const t = performance.now();
        const r = l._origCall(i, k);
        ftimes.set(l.name, (ftimes.get(l.name) ?? 0) + performance.now() - t);
        return r;
      };
    }
    for (let i = 0; i < N; i++) {
      const y = float.predict(x);
      y.dataSync();
      y.dispose();
    }
    const fnames = float.layers.filter((l) => ftimes.has(l.name)).map((l) => l.name);
    let fi = 0;
    const rounds = N * 3 + 0;
    for (const p of rt.plan()) {
      const fn = p.path.startsWith('quantize') ? null : fnames[fi++];
      const it = (times.get(p.layer) ?? 0) / rounds;
      const ft = fn ? (ftimes.get(fn) ?? 0) / N : NaN;
      console.log(
        `  ${p.layer.padEnd(28)} int8 ${it.toFixed(3).padStart(8)}  float ${Number.isNaN(ft) ? '       -' : ft.toFixed(3).padStart(8)}  ${p.path}`,
      );
    }
    x.dispose();
    for (const l of float.layers)
      if (l._origCall) {
        l.call = l._origCall;
        delete l._origCall;
      }
  }
  conv.dispose();
  float.dispose();
}
