import { requantizeAttrs, requantizeCodesImpl } from '@clipq/core';
import { describe, expect, it } from 'vitest';
import { requantizedBounds } from '../src/int8/known_bounds.js';
import { seeded } from './bits.js';

describe('requantizedBounds: the range recorded for requantized outputs', () => {
  const r = seeded(31);
  const ranges: Array<[number, number, number]> = [
    [0, 6, 8],
    [-1.7, 2.3, 8],
    [-0.01, 0.02, 4],
    [0, 0, 8],
    [3, 7, 8],
  ];
  for (const [min, max, bits] of ranges) {
    it(`covers every code of [${min}, ${max}] at ${bits} bits, and is tight at both ends`, () => {
      const attrs = requantizeAttrs(min, max, bits);
      const values = Float32Array.from({ length: 4000 }, () => (r() - 0.5) * 4 * (max - min + 1));
      values.set([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, min, max], 0);
      const codes = requantizeCodesImpl(values, attrs);
      const bounds = requantizedBounds(attrs);
      expect(Math.min(...codes)).toBe(bounds.min);
      expect(Math.max(...codes)).toBe(bounds.max);
    });
  }
});
