import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ema,
  minMax,
  mse,
  percentile,
  quantParams,
  rangeConstraint,
  rangePenalty,
} from '../src/index.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

describe('rangePenalty', () => {
  it('is λ·Σ(max − min)² for a [2, C] range weight and for separate tensors', () => {
    const penalty = rangePenalty(0.5);
    const range = tf.tensor2d([
      [-1, -2],
      [3, 1],
    ]);
    expect(penalty.apply(range).dataSync()[0]).toBeCloseTo(0.5 * (16 + 9));
    expect(penalty.between(tf.tensor1d([-1]), tf.tensor1d([1])).dataSync()[0]).toBeCloseTo(2);
  });

  it('has a gradient that shrinks the range', () => {
    const g = tf
      .grad((r: tf.Tensor) => rangePenalty(1).apply(r))(tf.tensor1d([-1, 2]))
      .dataSync();
    expect(Array.from(g)).toEqual([-6, 6]); // d/dmin = −2(max−min), d/dmax = +2(max−min)
  });

  it('rejects a negative lambda', () => {
    expect(() => rangePenalty(-1)).toThrow(
      /rangePenalty: lambda must be a finite number ≥ 0, got -1/,
    );
  });
});

describe('rangeConstraint', () => {
  it('keeps min ≤ 0 ≤ max and max − min ≥ ε', () => {
    const c = rangeConstraint({ epsilon: 0.01 });
    const out = c
      .apply(
        tf.tensor2d([
          [0.5, -1, -0.001, 0],
          [2, -0.5, 0.001, 0],
        ]),
      )
      .arraySync() as number[][];
    for (const [i, v] of [0, -1, -0.001, 0].entries()) expect(out[0]![i]).toBeCloseTo(v, 6);
    expect(out[1]![0]).toBe(2);
    expect(out[1]![1]).toBe(0);
    expect(out[1]![2]).toBeCloseTo(0.009, 6);
    expect(out[1]![3]).toBeCloseTo(0.01, 6);
  });
});

describe('range observers', () => {
  const batches = () => [
    tf.tensor2d([
      [-1, 4],
      [2, -8],
    ]),
    tf.tensor2d([
      [0.5, 10],
      [-3, 1],
    ]),
  ];

  it('minMax gives extremes per tensor and per channel, always containing 0', () => {
    const all = minMax();
    const perChannel = minMax({ axis: -1 });
    for (const b of batches()) {
      all.update(b);
      perChannel.update(b);
    }
    expect(all.result()).toEqual({
      min: Float32Array.of(-8),
      max: Float32Array.of(10),
      axis: null,
    });
    expect(perChannel.result()).toEqual({
      min: Float32Array.of(-3, -8),
      max: Float32Array.of(2, 10),
      axis: 1,
    });
    const positive = minMax();
    positive.update(tf.tensor1d([2, 3]));
    expect(positive.result().min[0]).toBe(0);
  });

  it('ema averages batch extremes with the momentum', () => {
    const o = ema(0.5);
    for (const b of batches()) o.update(b);
    expect(o.result().min[0]).toBeCloseTo(0.5 * -8 + 0.5 * -3);
    expect(o.result().max[0]).toBeCloseTo(0.5 * 4 + 0.5 * 10);
  });

  it('percentile ignores rare outliers', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i / 1000) * 2 - 1);
    values[500] = 1000;
    const o = percentile(99);
    o.update(tf.tensor1d(values));
    expect(o.result().max[0]).toBeLessThan(1.01);
    expect(o.result().min[0]).toBeGreaterThan(-1.01);
  });

  it('mse picks a clipped range when outliers would waste the grid, and beats min-max in MSE', () => {
    const values = Array.from({ length: 4000 }, (_, i) => Math.sin(i) * 0.5);
    values[7] = 20;
    const data = tf.tensor1d(values);
    const o = mse({ bits: 4 });
    o.update(data);
    const best = o.result();
    expect(best.max[0]).toBeLessThan(20);
    const error = (lo: number, hi: number) => {
      const p = quantParams(lo, hi, { bits: 4 });
      return values.reduce((s, v) => {
        const c = Math.min(Math.max(v, p.nudgedMin), p.nudgedMax);
        const y = Math.floor((c - p.nudgedMin) / p.scale + 0.5) * p.scale + p.nudgedMin;
        return s + (y - v) ** 2;
      }, 0);
    };
    expect(error(best.min[0]!, best.max[0]!)).toBeLessThan(error(-0.5, 20));
  });

  it('reports misuse clearly', () => {
    expect(() => minMax().result()).toThrow(/minMax: no data was observed/);
    expect(() => minMax().update(tf.tensor1d([]))).toThrow(
      /minMax: cannot observe an empty tensor/,
    );
    expect(() => ema(1.5)).toThrow(/ema: momentum must be in \[0, 1\), got 1.5/);
    expect(() => minMax().update(tf.tensor1d([Number.NaN]))).toThrow(
      /minMax: observed a non-finite value NaN/,
    );
    const o = minMax({ axis: 0 });
    o.update(tf.ones([2, 2]));
    expect(() => o.update(tf.ones([3, 2]))).toThrow(
      /minMax: channel count changed between batches \(2 → 3\)/,
    );
  });
});
