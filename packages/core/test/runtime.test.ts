import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { calibrate, convertToInt8, prepareQat } from '../src/layers/index.js';
import { Int8Runtime } from '../src/runtime/int8_runtime.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

async function smallConvertedModel() {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      inputShape: [10, 10, 2],
      filters: 4,
      kernelSize: 3,
      activation: 'relu',
      padding: 'same',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      depthMultiplier: 2,
      activation: 'relu6',
      strides: 2,
      depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(
    tfl.layers.dense({
      units: 5,
      activation: 'softmax',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
    }),
  );
  const x = tf.randomUniform([24, 10, 10, 2], -1, 1, 'float32', 7);
  const qat = prepareQat(model);
  await calibrate(qat, x, { method: 'minmax' });
  return { converted: convertToInt8(qat), x };
}

describe('Int8Runtime', () => {
  it('runs Dense/Conv2D/DepthwiseConv2D on int8 kernels, keeps codes between layers, and matches the converted model', async () => {
    const { converted, x } = await smallConvertedModel();
    const runtime = new Int8Runtime(converted.model, converted.layers);
    const int8 = runtime.predict(x) as tf.Tensor;
    const reference = converted.predict(x);
    const agree = tf.tidy(
      () =>
        tf
          .mean(tf.cast(tf.equal(tf.argMax(int8, 1), tf.argMax(reference, 1)), 'float32'))
          .dataSync()[0]!,
    );
    expect(agree).toBe(1);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(int8, reference))).dataSync()[0]!)).toBeLessThan(
      0.02,
    );
    const paths = runtime.plan().map((p) => p.path);
    expect(paths).toEqual([
      'quantize → int8 codes',
      'ClipqConv2DInt8 → int8 codes (requantized in the kernel)',
      'ClipqDepthwiseConv2DInt8 → int8 codes (requantized in the kernel)',
      'max pool on codes',
      'reshape codes',
      'ClipqMatMulInt8 → int8 codes (ClipqQuantize)',
    ]);
    const lines: string[] = [];
    runtime.summary((line) => lines.push(line));
    expect(lines.join('\n')).toContain('ClipqDepthwiseConv2DInt8');
  });

  it('leaks no tensors over 100 predict calls', async () => {
    const { converted, x } = await smallConvertedModel();
    const runtime = new Int8Runtime(converted.model, converted.layers);
    const small = tf.slice(x, 0, 2);
    (runtime.predict(small) as tf.Tensor).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) (runtime.predict(small) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
