/**
 * The demo CNN e2e ratio (float predict / int8 runtime) on cpu, interleaved with bench/lib.mjs's
 * comparePair, as `pnpm bench` measures it: node packages/backend-cpu/scripts/e2e_demo.mjs [rounds]
 */
import '@tensorflow/tfjs-backend-cpu';
import '@clipq/backend-cpu';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import { demoCnn } from '../../../bench/e2e.mjs';
import { comparePair } from '../../../bench/lib.mjs';
import { Int8Runtime } from '../../core/dist/runtime/int8_runtime.js';

await tf.setBackend('cpu');
const rounds = Number(process.argv[2] ?? 4);
const float = demoCnn();
const cal = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3);
const qat = prepareQat(float);
await calibrate(qat, cal, { method: 'minmax', batchSize: 8 });
const conv = convertToInt8(qat);
const rt = new Int8Runtime(conv.model, conv.layers);
for (const batch of [1, 16]) {
  const x = tf.randomUniform([batch, 28, 28, 1], 0, 1, 'float32', 5);
  const run = (m) => async () => {
    const y = m.predict(x);
    await y.data();
    y.dispose();
  };
  const t = await comparePair({
    ours: run(rt),
    baseline: run(float),
    rounds,
    runsPerRound: 5,
    warmup: 3,
  });
  console.log(`demo b${batch}: int8 ${t.ours_ms} ms, float ${t.baseline_ms} ms, ratio ${t.ratio}`);
}
