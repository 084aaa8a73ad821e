import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { rng } from './helpers.js';
import './setup.js';

describe('MaxPool on int32 codes', () => {
  const cases: Array<
    [
      [number, number, number, number],
      number | [number, number],
      number | [number, number],
      'same' | 'valid',
    ]
  > = [
    [[2, 28, 28, 16], 2, 2, 'valid'],
    [[1, 7, 9, 3], 3, 2, 'same'],
    [[3, 5, 6, 5], [2, 3], [1, 2], 'same'],
    [[1, 6, 6, 1], 3, 1, 'valid'],
  ];
  it.each(cases)(
    'x %j pool %j strides %j %s equals the float pool, int32 out',
    (shape, pool, strides, pad) => {
      const r = rng(shape.reduce((a, b) => a * b, 7));
      const size = shape.reduce((a, b) => a * b, 1);
      const codes = Int32Array.from({ length: size }, () => Math.floor(r() * 256) - 128);
      const x = tf.tensor(codes, shape, 'int32') as tf.Tensor4D;
      const out = tf.maxPool(x, pool, strides, pad);
      const reference = tf.maxPool(tf.cast(x, 'float32') as tf.Tensor4D, pool, strides, pad);
      const kernel = tf.getKernel('MaxPool', 'cpu')!.kernelFunc as { supportsInt32?: boolean };
      expect(kernel.supportsInt32, 'the clipq wrapper is registered').toBe(true);
      expect(out.dtype).toBe('int32');
      expect(out.shape).toEqual(reference.shape);
      expect(Array.from(out.dataSync())).toEqual(Array.from(reference.dataSync()));
      tf.dispose([x, out, reference]);
    },
  );

  it('leaves float32 pooling to tfjs-cpu (same values as the int path for integers)', () => {
    const x = tf.tensor4d([1.5, -2, 3.25, 0], [1, 2, 2, 1]);
    expect(Array.from(tf.maxPool(x, 2, 1, 'valid').dataSync())).toEqual([3.25]);
    x.dispose();
  });
});
