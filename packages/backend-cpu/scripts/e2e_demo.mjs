/**
 * The demo CNN e2e ratio (float predict / int8 runtime) on cpu, interleaved with bench/lib.mjs's
 * comparePair, as `pnpm bench` measures it: node packages/backend-cpu/scripts/e2e_demo.mjs [rounds]
 */
import * as tf from '@tensorflow/tfjs-core';
import { demoCnn } from '../../../bench/e2e.mjs';
import { comparePair } from '../../../bench/lib.mjs';
import { int8Model } from './int8_model.mjs';

const rounds = Number(process.argv[2] ?? 4);
const { float, runtime: rt } = await int8Model(demoCnn, [28, 28, 1]);
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
