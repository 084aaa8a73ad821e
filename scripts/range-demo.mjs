#!/usr/bin/env node
/**
 * A tiny demo of learned ranges: a 3→16→1 regression with a 4-bit FakeQuantize layer on the hidden
 * activations, trained twice — without and with the range penalty λ·(max − min)². It prints min/max per
 * epoch and the loss with and without the penalty term. (The MNIST demo replaces it as `pnpm demo`.)
 */
import '@tensorflow/tfjs-backend-cpu';
import { enforceRangeConstraints, FakeQuantize } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

tf.env().set('PROD', true);
await tf.setBackend('cpu');

function data(n, seed) {
  let s = seed;
  const rand = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const x = Float32Array.from({ length: n * 3 }, () => rand() * 4 - 2);
  const y = Float32Array.from(
    { length: n },
    (_, i) => Math.tanh(2 * x[3 * i] - x[3 * i + 1]) + 0.5 * x[3 * i + 2],
  );
  return { x: tf.tensor2d(x, [n, 3]), y: tf.tensor2d(y, [n, 1]) };
}

async function train(lambda) {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      units: 16,
      inputShape: [3],
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }),
    }),
  );
  const fq = new FakeQuantize({
    name: 'activation_range',
    bits: 4,
    initialRange: [-1, 8],
    rangePenalty: lambda,
  });
  model.add(fq);
  model.add(
    tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }) }),
  );
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const { x, y } = data(1024, 42);
  console.log(`\nλ = ${lambda}`);
  console.log('epoch    min       max      width    task loss   λ·width²   loss with penalty');
  for (let epoch = 1; epoch <= 10; epoch++) {
    await model.fit(x, y, {
      epochs: 1,
      batchSize: 64,
      shuffle: false,
      verbose: 0,
      callbacks: [enforceRangeConstraints()],
    });
    const { min, max } = fq.getRange();
    const taskLoss = tf.tidy(() => tf.losses.meanSquaredError(y, model.predict(x)).dataSync()[0]);
    const width = max[0] - min[0];
    const penalty = lambda * width * width;
    const columns = [
      min[0].toFixed(4),
      max[0].toFixed(4),
      width.toFixed(4),
      taskLoss.toFixed(5),
      penalty.toFixed(5),
      (taskLoss + penalty).toFixed(5),
    ];
    console.log(
      `${String(epoch).padStart(5)} ${columns.map((c, i) => c.padStart(i < 3 ? 9 : 11)).join(' ')}`,
    );
  }
  return fq.getRange();
}

const plain = await train(0);
const penalized = await train(0.005);
console.log(
  `\nfinal range width: λ=0 → ${(plain.max[0] - plain.min[0]).toFixed(4)}, λ=0.005 → ${(penalized.max[0] - penalized.min[0]).toFixed(4)} (the penalty shrinks the learned range)`,
);
