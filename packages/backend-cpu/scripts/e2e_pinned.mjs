/**
 * The int8 runtime with pinned weights (`QuantizedModel.pack()`) against the same model unpacked, on
 * cpu: two conversions of one seeded model, one packed, predicts alternating and timed by CPU time
 * (cpu_time.mjs). Prints unpacked ms / packed ms (≥ 1: packing costs nothing) and the resident weight
 * bytes per parameter of the packed model (tf.memory() freed by pack, the cache's pinned bytes).
 * PACK=both packs both copies and PACK=none neither, to see the A/B's own bias (same model twice).
 * node packages/backend-cpu/scripts/e2e_pinned.mjs [demo|mobilenet]
 */
import '@tensorflow/tfjs-backend-cpu';
import { packedWeightCache } from '@clipq/backend-cpu/base';
import '@clipq/backend-cpu';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { e2eModels } from '../../../bench/models.mjs';
import { alternate } from './cpu_time.mjs';

await tf.setBackend('cpu');
const definitions = e2eModels(tfl);
const models = {
  demo: { build: definitions.demoCnn, inputShape: [28, 28, 1], batches: [1, 16] },
  mobilenet: {
    build: () => definitions.mobileNetV1(0.5, 128),
    inputShape: [128, 128, 3],
    batches: [1, 16],
  },
};
const only = process.argv[2];
/** BATCHES=1 (comma-separated) measures only those batch sizes. */
const onlyBatches = process.env.BATCHES?.split(',').map(Number);

async function converted(build, inputShape) {
  definitions.resetSeed();
  const float = build();
  const calibration = tf.randomUniform([8, ...inputShape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
  const model = convertToInt8(qat);
  calibration.dispose();
  qat.dispose();
  float.dispose();
  return model;
}

for (const [name, { build, inputShape, batches }] of Object.entries(models)) {
  if (only && only !== name) continue;
  const unpacked = await converted(build, inputShape);
  const packed = await converted(build, inputShape);
  const parameters = [...packed.layers.values()].reduce((n, w) => n + w.kernel.size, 0);
  const x0 = tf.zeros([1, ...inputShape]);
  tf.dispose([unpacked.predict(x0), packed.predict(x0)]); // packs the unpinned copies on first use
  x0.dispose();
  const memoryBefore = tf.memory().numBytes;
  const layersPacked = process.env.PACK === 'none' ? 0 : packed.pack();
  if (process.env.PACK === 'both') unpacked.pack();
  const freed = memoryBefore - tf.memory().numBytes;
  let pinned = 0;
  for (const w of packed.layers.values())
    pinned += w.kernel.pinned ? packedWeightCache.bytesOf(w.kernel.pinned.key) : 0;
  console.log(
    `${name}: packed ${layersPacked} layers, ${parameters} int8 parameters; pack() freed ${freed} B of tensors ` +
      `(${(freed / parameters).toFixed(2)} B/param), pinned in the cache: ${pinned} B (${(pinned / parameters).toFixed(3)} B/param)`,
  );
  for (const batch of onlyBatches ?? batches) {
    const x = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', 5);
    const run = (m) => async () => {
      const y = m.predict(x);
      await y.data();
      y.dispose();
    };
    const same = tf.tidy(
      () => tf.all(tf.equal(packed.predict(x), unpacked.predict(x))).dataSync()[0],
    );
    const [packedMs, unpackedMs] = await alternate([run(packed), run(unpacked)], {
      budgetMs: name === 'demo' ? 1500 : 4000,
      minCalls: 6,
      warmup: name === 'demo' ? 20 : 3,
    });
    console.log(
      `${name} b${batch}: CPU ms per predict: packed ${packedMs.toFixed(3)}, unpacked ${unpackedMs.toFixed(3)}, ` +
        `unpacked/packed ${(unpackedMs / packedMs).toFixed(3)}, outputs identical: ${same === 1}`,
    );
    x.dispose();
  }
  packed.dispose();
  unpacked.dispose();
}
