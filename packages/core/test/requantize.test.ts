import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  conv2dInt8,
  QuantizedTensor,
  quantize,
  requantizeAttrs,
  requantizeCodeImpl,
  requantizeCodesImpl,
} from '../src/index.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

describe('fused requantization (requantizeCodeImpl, outputRange)', () => {
  it('equals quantize on random values, including clamped tails and exact half-up ties', async () => {
    const r = requantizeAttrs(-1.3, 2.7, 8);
    const values = Float32Array.from({ length: 4000 }, (_, i) => Math.fround((i - 1800) * 0.0011));
    // Exact ties: nudgedMin + (k + 0.5)·scale computed in float32 where it is representable.
    const ties = Float32Array.from({ length: 50 }, (_, k) =>
      Math.fround(r.nudgedMin + Math.fround((k + 0.5) * r.scale)),
    );
    for (const v of [values, ties]) {
      const q = quantize(tf.tensor1d(v), -1.3, 2.7);
      expect(Array.from(requantizeCodesImpl(v, r))).toEqual(Array.from(await q.codes.data()));
      q.dispose();
    }
  });

  it('maps NaN and a zero range to the zero-point code', () => {
    const r = requantizeAttrs(-1, 3, 8);
    expect(requantizeCodeImpl(Number.NaN, r)).toBe(r.zeroCode);
    expect(requantizeCodeImpl(0, r)).toBe(r.zeroCode);
    const zero = requantizeAttrs(0, 0, 8);
    expect(zero.scale).toBe(0);
    expect(requantizeCodeImpl(5, zero)).toBe(zero.zeroCode);
  });

  it('rejects a bad outputRange with a clear error', () => {
    const spec = { scale: Float32Array.of(1), zeroPoint: Int32Array.of(0), axis: null, bits: 8 };
    const x = new QuantizedTensor(tf.zeros([1, 3, 3, 1], 'int32'), { ...spec, narrowRange: false });
    const w = new QuantizedTensor(tf.zeros([1, 1, 1, 1], 'int32'), { ...spec, narrowRange: true });
    expect(() => conv2dInt8(x, w, { outputRange: { min: 2, max: 1 } })).toThrow(
      /conv2dInt8: outputRange needs finite min ≤ max, got \[2, 1\]/,
    );
    expect(() => conv2dInt8(x, w, { outputRange: { min: -1, max: 1, bits: 9 } })).toThrow(
      /conv2dInt8: outputRange.bits must be an integer in 2\.\.8, got 9/,
    );
    x.dispose();
    w.dispose();
  });
});
