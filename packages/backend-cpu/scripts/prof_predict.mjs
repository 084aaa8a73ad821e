/**
 * Runs the demo CNN's int8 predict in a loop (for `node --cpu-prof`): node prof_predict.mjs [batch] [runs]
 */
import * as tf from '@tensorflow/tfjs-core';
import { demoCnn } from '../../../bench/e2e.mjs';
import { int8Model } from './int8_model.mjs';

const batch = Number(process.argv[2] ?? 1);
const runs = Number(process.argv[3] ?? 2000);
const { runtime: rt } = await int8Model(demoCnn, [28, 28, 1]);
const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 5);
const c0 = process.cpuUsage();
for (let i = 0; i < runs; i++) {
  const y = rt.predict(x);
  y.dataSync();
  y.dispose();
}
const c = process.cpuUsage(c0);
console.log(`int8 b${batch}: ${((c.user + c.system) / 1000 / runs).toFixed(3)} ms cpu per predict`);
