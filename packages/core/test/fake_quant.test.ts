import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  channelLayout,
  fakeQuant,
  fakeQuantGradImpl,
  fakeQuantImpl,
  quantParams,
  quantParamsImpl,
} from '../src/index.js';
import { rng } from '../src/testing/index.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

function randomProblem(seed: number) {
  const r = rng(seed);
  const bits = 2 + Math.floor(r() * 15);
  const narrowRange = r() < 0.5;
  const shape = [1 + Math.floor(r() * 3), 1 + Math.floor(r() * 4), 2 + Math.floor(r() * 5)];
  const perChannel = r() < 0.5;
  const axis = perChannel ? Math.floor(r() * 3) : null;
  const channels = axis === null ? 1 : shape[axis]!;
  const mins = Array.from({ length: channels }, () => Math.fround(-r() * 6 + (r() < 0.2 ? 3 : 0)));
  const maxs = mins.map((lo) => Math.fround(lo + 1e-3 + r() * 10));
  const size = shape.reduce((a, b) => a * b, 1);
  const x = Float32Array.from({ length: size }, () => Math.fround((r() - 0.5) * 24));
  const dy = Float32Array.from({ length: size }, () => Math.fround(r() - 0.5));
  return {
    bits,
    narrowRange,
    shape,
    axis,
    mins,
    maxs,
    x,
    dy,
    layout: channelLayout(shape, axis !== null, axis ?? 0),
  };
}

describe('fakeQuant property tests (random bits 2..16, ranges, narrow on/off, per-channel)', () => {
  it('forward equals the pure Impl bit for bit on 300 random problems', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const p = randomProblem(seed);
      tf.tidy(() => {
        const min = p.axis === null ? p.mins[0]! : tf.tensor1d(p.mins);
        const max = p.axis === null ? p.maxs[0]! : tf.tensor1d(p.maxs);
        const y = fakeQuant(tf.tensor(p.x, p.shape), min, max, {
          bits: p.bits,
          narrowRange: p.narrowRange,
          ...(p.axis === null ? {} : { axis: p.axis }),
        });
        const expected = fakeQuantImpl(p.x, p.mins, p.maxs, p.layout, p.bits, p.narrowRange);
        expect(Array.from(y.dataSync()), `seed ${seed}`).toEqual(Array.from(expected));
      });
    }
  });

  it('gradients equal the pure Impl on 100 random problems, both range-gradient modes', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const p = randomProblem(seed);
      for (const mode of ['clip', 'full'] as const) {
        tf.tidy(() => {
          const min = p.axis === null ? tf.scalar(p.mins[0]!) : tf.tensor1d(p.mins);
          const max = p.axis === null ? tf.scalar(p.maxs[0]!) : tf.tensor1d(p.maxs);
          const options = {
            bits: p.bits,
            narrowRange: p.narrowRange,
            rangeGradient: mode,
            ...(p.axis === null ? {} : { axis: p.axis }),
          };
          const [dx, dmin, dmax] = tf.grads((x: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) =>
            fakeQuant(x, lo, hi, options),
          )([tf.tensor(p.x, p.shape), min, max], tf.tensor(p.dy, p.shape));
          const e = fakeQuantGradImpl(
            p.dy,
            p.x,
            p.mins,
            p.maxs,
            p.layout,
            p.bits,
            p.narrowRange,
            'half-up',
            mode,
          );
          expect(Array.from(dx!.dataSync())).toEqual(Array.from(e.dx));
          expect(dmin!.shape).toEqual(min.shape);
          for (const [actual, expected] of [
            [dmin!.dataSync(), e.dmin],
            [dmax!.dataSync(), e.dmax],
          ] as const) {
            for (let i = 0; i < expected.length; i++)
              expect(actual[i]).toBeCloseTo(expected[i]!, 4);
          }
        });
      }
    }
  });
});

describe('fakeQuant gradients', () => {
  it('dx matches finite differences of the quantization staircase away from the range ends', () => {
    // Fake-quant is a staircase; its straight-through gradient is the staircase's slope measured over
    // many steps: 1 inside the range, 0 outside. A central difference with h = 64 steps has error ≤ 1/64.
    const { scale, nudgedMin, nudgedMax } = quantParams(-2, 3);
    const h = 64 * scale;
    const xs = [-6, -3.5, -0.6, -0.2, 0.31, 0.7, 1.1, 1.63, 4.5, 8];
    const f = (v: number) => fakeQuant(tf.tensor1d([v]), -2, 3).dataSync()[0]!;
    const dx = tf
      .grad((x: tf.Tensor) => fakeQuant(x, -2, 3))(tf.tensor1d(xs))
      .dataSync();
    xs.forEach((v, i) => {
      if (Math.abs(v - nudgedMin) < h || Math.abs(v - nudgedMax) < h)
        throw new Error(`test point ${v} too close to a range end`);
      const finiteDifference = (f(v + h) - f(v - h)) / (2 * h);
      expect(Math.abs(finiteDifference - dx[i]!), `x = ${v}`).toBeLessThanOrEqual(1 / 64);
    });
  });

  it('dmin/dmax follow the BRIEF formulas, computed independently here in float64', () => {
    const x = [-3.1, -2.05, -1.01, -0.26, 0, 0.33, 0.9, 2.2, 2.95, 3.5, 7];
    const dy = [0.5, -1, 2, 0.25, -0.75, 1.5, -2, 0.125, 3, -0.5, 1];
    const [min, max, bits] = [-2, 3, 4];
    const p = quantParamsImpl(min, max, bits, false);
    let above = 0;
    let below = 0;
    let rounding = 0;
    const y = fakeQuant(tf.tensor1d(x), min, max, { bits }).dataSync();
    x.forEach((v, i) => {
      if (v > p.nudgedMax) above += dy[i]!;
      else if (v < p.nudgedMin) below += dy[i]!;
      else rounding += (dy[i]! * (y[i]! - v)) / (max - min);
    });
    const grad = (mode: 'clip' | 'full', gradScale?: number | 'lsq') =>
      tf
        .grads((a: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) =>
          fakeQuant(a, lo, hi, { bits, rangeGradient: mode, ...(gradScale ? { gradScale } : {}) }),
        )([tf.tensor1d(x), tf.scalar(min), tf.scalar(max)], tf.tensor1d(dy))
        .map((t) => t.dataSync()[0]!);
    const [, clipMin, clipMax] = grad('clip');
    expect(clipMin).toBeCloseTo(below, 5);
    expect(clipMax).toBeCloseTo(above, 5);
    const [, fullMin, fullMax] = grad('full');
    expect(rounding).not.toBe(0);
    expect(fullMin).toBeCloseTo(below - rounding, 5);
    expect(fullMax).toBeCloseTo(above + rounding, 5);
    const lsq = 1 / Math.sqrt(x.length * (2 ** bits - 1));
    const [, lsqMin, lsqMax] = grad('full', 'lsq');
    expect(lsqMin).toBeCloseTo((below - rounding) * lsq, 5);
    expect(lsqMax).toBeCloseTo((above + rounding) * lsq, 5);
    const [, scaledMin] = grad('clip', 0.25);
    expect(scaledMin).toBeCloseTo(below * 0.25, 5);
  });

  it('per-channel gradients on axis 0 reduce over the other axes', () => {
    const x = tf.tensor2d([
      [-3, 0.4, 5],
      [1, -9, 0.2],
    ]);
    const [, dmin, dmax] = tf.grads((a: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) =>
      fakeQuant(a, lo, hi, { axis: 0, rangeGradient: 'clip' }),
    )([x, tf.tensor1d([-1, -2]), tf.tensor1d([1, 2])], tf.ones([2, 3]));
    expect(Array.from(dmin!.dataSync())).toEqual([1, 1]);
    expect(Array.from(dmax!.dataSync())).toEqual([1, 0]);
  });
});

describe('fakeQuant semantics', () => {
  it('shifts ranges that exclude zero: [12, 123] at 8 bits becomes [0, 111]', () => {
    const p = quantParams(12, 123);
    expect([p.nudgedMin, p.nudgedMax]).toEqual([0, 111]);
  });

  it('outputs zeros for a zero range and keeps NaN', () => {
    expect(Array.from(fakeQuant(tf.tensor1d([1, -2, 0]), 0, 0).dataSync())).toEqual([0, 0, 0]);
    expect(Number.isNaN(fakeQuant(tf.tensor1d([Number.NaN]), -1, 1).dataSync()[0])).toBe(true);
  });

  it("rounds ties to even with rounding: 'half-even'", () => {
    // Range [0, 255] has scale 1: 0.5 → 0 and 1.5 → 2 with half-even; 1 and 2 with half-up.
    const x = tf.tensor1d([0.5, 1.5, 2.5]);
    expect(Array.from(fakeQuant(x, 0, 255, { rounding: 'half-even' }).dataSync())).toEqual([
      0, 2, 2,
    ]);
    expect(Array.from(fakeQuant(x, 0, 255).dataSync())).toEqual([1, 2, 3]);
  });

  it('has a chained form: tensor.fakeQuant(min, max, options)', () => {
    const x = tf.tensor1d([0.3, 7]);
    expect(Array.from(x.fakeQuant(-1, 1, { bits: 4 }).dataSync())).toEqual(
      Array.from(fakeQuant(x, -1, 1, { bits: 4 }).dataSync()),
    );
  });

  it('does not leak tensors', () => {
    const x = tf.tensor1d([0.3, 7]);
    const before = tf.memory().numTensors;
    tf.grads((a: tf.Tensor, lo: tf.Tensor, hi: tf.Tensor) => fakeQuant(a, lo, hi))([
      x,
      tf.scalar(-1),
      tf.scalar(1),
    ]).forEach((t) => {
      t.dispose();
    });
    fakeQuant(x, -1, 1).dispose();
    expect(tf.memory().numTensors).toBe(before + 2); // the two scalars passed to grads
  });
});
