import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  conv2dInt8,
  depthwiseConv2dInt8,
  fakeQuant,
  QuantizedTensor,
  quantize,
  quantParams,
} from '../src/index.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

describe('bad arguments throw Errors that name the op, the argument and the value', () => {
  const x = () => tf.ones([2, 3]);
  it.each([
    [
      'bits below 2',
      () => fakeQuant(x(), -1, 1, { bits: 1 }),
      /fakeQuant: bits must be an integer in 2\.\.16, got 1/,
    ],
    [
      'bits above 16',
      () => fakeQuant(x(), -1, 1, { bits: 17 }),
      /fakeQuant: bits must be an integer in 2\.\.16, got 17/,
    ],
    ['non-integer bits', () => fakeQuant(x(), -1, 1, { bits: 7.5 }), /fakeQuant: bits .* got 7\.5/],
    ['min > max', () => fakeQuant(x(), 2, 1), /fakeQuant: min must be ≤ max, got min=2 > max=1/],
    ['NaN min', () => fakeQuant(x(), Number.NaN, 1), /fakeQuant: min must be finite, got NaN/],
    [
      'NaN max in a channel',
      () => fakeQuant(x(), [-1, -1, -1], [1, Number.NaN, 1]),
      /fakeQuant: max\[1\] must be finite, got NaN/,
    ],
    [
      'min > max in a channel',
      () => fakeQuant(x(), [-1, 3, -1], [1, 2, 1]),
      /fakeQuant: min\[1\] must be ≤ max\[1\], got min=3 > max=2/,
    ],
    [
      'channel count mismatch',
      () => fakeQuant(x(), [-1, -1], [1, 1]),
      /fakeQuant: min\/max have 2 entries but x has 3 channels along axis 1/,
    ],
    [
      'axis out of range',
      () => fakeQuant(x(), [-1, -1], [1, 1], { axis: 2 }),
      /fakeQuant: axis must be an integer in \[-2, 1\] for rank 2, got 2/,
    ],
    [
      'min/max shapes differ',
      () => fakeQuant(x(), [-1, -1, -1], 1),
      /fakeQuant: min and max must have the same shape/,
    ],
    [
      'non-float x',
      () => fakeQuant(tf.ones([2], 'int32'), -1, 1),
      /fakeQuant: x must be float32, got int32/,
    ],
    [
      'bad rangeGradient',
      () => fakeQuant(x(), -1, 1, { rangeGradient: 'nope' as 'full' }),
      /fakeQuant: rangeGradient must be 'full' or 'clip', got nope/,
    ],
    [
      'bad gradScale',
      () => fakeQuant(x(), -1, 1, { gradScale: -2 }),
      /fakeQuant: gradScale must be a positive number or 'lsq', got -2/,
    ],
    [
      'quantParams min > max',
      () => quantParams(1, 0),
      /quantParams: min must be ≤ max, got min=1 > max=0/,
    ],
    [
      'quantParams bits',
      () => quantParams(-1, 1, { bits: 20 }),
      /quantParams: bits must be an integer in 2\.\.16, got 20/,
    ],
    [
      'quantize NaN range',
      () => quantize(x(), -1, Number.NaN),
      /quantize: max must be finite, got NaN/,
    ],
  ])('%s', (_name, body, pattern) => {
    expect(body).toThrow(pattern);
  });

  it('range checks can be turned off for training loops on WebGL (CLIPQ_CHECK_RANGES)', () => {
    tf.env().set('CLIPQ_CHECK_RANGES', false);
    try {
      expect(() => fakeQuant(x(), 2, 1)).not.toThrow();
    } finally {
      tf.env().set('CLIPQ_CHECK_RANGES', true);
    }
  });
});

describe('int8 convolutions reject bad arguments clearly', () => {
  const codes = (shape: number[]) => tf.zeros(shape, 'int32');
  const spec = (channels: number, axis: number | null) => ({
    scale: new Float32Array(channels).fill(0.1),
    zeroPoint: new Int32Array(channels),
    axis,
    bits: 8,
    narrowRange: false,
  });
  const x = () => new QuantizedTensor(codes([1, 4, 4, 3]), spec(1, null));
  it.each([
    [
      'channel mismatch',
      () => conv2dInt8(x(), new QuantizedTensor(codes([3, 3, 2, 4]), spec(4, 3))),
      /conv2dInt8: filter input channels \(2\) differ from x channels \(3\)/,
    ],
    [
      'per-channel x',
      () =>
        conv2dInt8(
          new QuantizedTensor(codes([1, 4, 4, 3]), spec(3, 3)),
          new QuantizedTensor(codes([1, 1, 3, 2]), spec(2, 3)),
        ),
      /conv2dInt8: x must be quantized per tensor, got axis 3/,
    ],
    [
      'kernel larger than input with valid padding',
      () => conv2dInt8(x(), new QuantizedTensor(codes([5, 1, 3, 2]), spec(2, 3))),
      /conv2dInt8: with pad 'valid' the dilated kernel height \(5\) exceeds the input height \(4\)/,
    ],
    [
      'strides and dilations both above 1',
      () =>
        conv2dInt8(x(), new QuantizedTensor(codes([1, 1, 3, 2]), spec(2, 3)), {
          strides: 2,
          dilations: 2,
        }),
      /may not both exceed 1/,
    ],
    [
      'depthwise filter on the wrong axis',
      () => depthwiseConv2dInt8(x(), new QuantizedTensor(codes([3, 3, 3, 1]), spec(1, 3))),
      /depthwiseConv2dInt8: filter must be per tensor or per input channel \(axis 2\), got axis 3/,
    ],
  ])('%s', (_name, body, pattern) => {
    expect(body).toThrow(pattern);
  });
});
