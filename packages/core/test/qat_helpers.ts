/** Small models and data shared by the QAT and model-format tests. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { rng } from '../src/testing/index.js';

/** conv-BN-relu, pool, conv-BN-relu6, flatten, dense: the demo's shape at toy size. */
export function smallCnn(seed = 1): tfl.LayersModel {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + s });
  const model = tfl.sequential({ name: 'small_cnn' });
  model.add(
    tfl.layers.conv2d({
      name: 'conv1',
      inputShape: [8, 8, 1],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(1),
    }),
  );
  model.add(tfl.layers.batchNormalization({ name: 'bn1' }));
  model.add(tfl.layers.reLU({ name: 'relu1' }));
  model.add(tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }));
  model.add(
    tfl.layers.conv2d({
      name: 'conv2',
      filters: 6,
      kernelSize: 3,
      padding: 'valid',
      kernelInitializer: init(2),
    }),
  );
  model.add(tfl.layers.batchNormalization({ name: 'bn2' }));
  model.add(tfl.layers.reLU({ name: 'relu2', maxValue: 6 }));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dropout({ name: 'dropout', rate: 0.1 }));
  model.add(tfl.layers.dense({ name: 'logits', units: 3, kernelInitializer: init(3) }));
  randomizeBatchNorm(model, seed);
  return model;
}

/** Gives BN layers non-trivial statistics, so folding is really exercised. */
export function randomizeBatchNorm(model: tfl.LayersModel, seed: number): void {
  const r = rng(seed + 100);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const weights = layer.getWeights().map((w, i) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () =>
          i === 0 ? 0.5 + r() : i === 3 ? 0.2 + r() : r() - 0.5,
        ),
        w.shape,
      ),
    );
    layer.setWeights(weights);
  }
}

export function images(n: number, seed: number, size = 8): tf.Tensor4D {
  const r = rng(seed);
  return tf.tensor4d(
    Float32Array.from({ length: n * size * size }, () => r()),
    [n, size, size, 1],
  );
}

export function argmax(t: tf.Tensor): Int32Array {
  return tf.tidy(() => tf.argMax(t, -1).dataSync() as Int32Array);
}
