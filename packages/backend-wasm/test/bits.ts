/**
 * Bit-for-bit comparison of float32 results, signed zeros included. Any NaN matches any NaN: JS engines
 * do not preserve NaN sign or payload (V8's Math.max returns a negative NaN, wasm a positive one), so
 * NaN bits are not part of the Impl contract.
 */
import { expect } from 'vitest';

export function expectSameBits(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const a = new Uint32Array(Float32Array.from(actual).buffer);
  const e = new Uint32Array(Float32Array.from(expected).buffer);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      throw new Error(
        `${label}: element ${i} is ${actual[i]} (0x${a[i]!.toString(16)}), expected ${expected[i]} (0x${e[i]!.toString(16)})`,
      );
    }
  }
}

export function expectSameInts(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
): void {
  expect(Array.from(actual), label).toEqual(Array.from(expected));
}

/** A seeded generator in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
