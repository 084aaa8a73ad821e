/** The demo's float CNN (conv-BN-relu ×2, dense) and its evaluation helpers. */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export function buildCnn({ filters = [8, 16], seed = 7 } = {}) {
  const init = (k) => tfl.initializers.heNormal({ seed: seed * 10 + k });
  const model = tfl.sequential({ name: 'mnist_cnn' });
  filters.forEach((f, i) => {
    const n = i + 1;
    model.add(
      tfl.layers.conv2d({
        name: `conv${n}`,
        ...(i === 0 ? { inputShape: [28, 28, 1] } : {}),
        filters: f,
        kernelSize: 3,
        padding: 'same',
        useBias: false,
        kernelInitializer: init(n),
      }),
    );
    model.add(tfl.layers.batchNormalization({ name: `bn${n}` }));
    model.add(tfl.layers.reLU({ name: `relu${n}` }));
    model.add(tfl.layers.maxPooling2d({ name: `pool${n}`, poolSize: 2 }));
  });
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(
    tfl.layers.dense({
      name: 'logits',
      units: 10,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    }),
  );
  return model;
}

/** Argmax predictions over `x`, in batches (`predict` is a model or a function x → logits). */
export function predictClasses(predict, x, batchSize = 500) {
  const n = x.shape[0];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const classes = tf.tidy(() => {
      const batch = tf.slice(x, [start], [size]);
      const logits = typeof predict === 'function' ? predict(batch) : predict.predict(batch);
      return tf.argMax(logits, -1).dataSync();
    });
    out.set(classes, start);
  }
  return out;
}

export function accuracy(classes, labels) {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (classes[i] === labels[i]) hits++;
  return (100 * hits) / labels.length;
}

export function agreement(a, b) {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return (100 * same) / a.length;
}
