/**
 * Per-predict times of the demo CNN at batch 1, int8 and float alternating from the first call (shows
 * how many predicts V8 needs before the int8 path runs optimized code): node scripts/trace_b1.mjs [n]
 */

import * as tf from '@tensorflow/tfjs-core';
import { demoCnn } from '../../../bench/e2e.mjs';
import { int8Model } from './int8_model.mjs';

const n = Number(process.argv[2] ?? 60);
const { float, runtime } = await int8Model(demoCnn, [28, 28, 1]);
const x = tf.randomUniform([1, 28, 28, 1], 0, 1, 'float32', 5);
const times = { int8: [], float: [] };
for (let i = 0; i < n; i++) {
  for (const [name, model] of [
    ['int8', runtime],
    ['float', float],
  ]) {
    const t = performance.now();
    const y = model.predict(x);
    await y.data();
    y.dispose();
    times[name].push(performance.now() - t);
  }
}
for (const [name, t] of Object.entries(times))
  console.log(name.padEnd(5), t.map((v) => v.toFixed(1)).join(' '));
