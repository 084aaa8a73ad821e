/** Pure helpers of the int8 paths, checked in Node (the GPU paths run in the browser suite). */
import { describe, expect, it } from 'vitest';
import { packB, weightLayout } from '../src/packed_weights.js';
import { exactChunk } from '../src/programs/mat-mul-int8-float-program.js';

describe('packB', () => {
  it('lays B out as texel (nb, k) = b[k, 4nb..4nb+3] when N rounded up to even is a multiple of 4', () => {
    const K = 3;
    const N = 7;
    const b = Int32Array.from({ length: K * N }, (_, i) => i - 7);
    expect(weightLayout(K, N)).toEqual({ stride: 8, folded: false, width: 2, height: K });
    const packed = packB(b, K, N, false);
    expect(packed.length).toBe(K * 8); // K rows × 2 texels × 4 codes
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < 8; n++) {
        expect(packed[k * 8 + n]).toBe(n < N ? b[k * N + n] : 0);
      }
    }
  });

  it('folds two rows into one texture row when the even stride is 2 mod 4 (no padding lanes)', () => {
    const K = 5;
    const N = 10;
    const b = Int32Array.from({ length: K * N }, (_, i) => (i % 3) - 1 - i);
    expect(weightLayout(K, N)).toEqual({ stride: 10, folded: true, width: 5, height: 3 });
    const packed = packB(b, K, N, false);
    expect(packed.length).toBe(3 * 5 * 4); // ⌈K/2⌉ rows × 5 texels × 4 codes: 10 bytes per row k
    for (let k = 0; k < K; k++) {
      for (let n = 0; n < N; n++) expect(packed[k * N + n]).toBe(b[k * N + n]);
    }
    expect(weightLayout(4, 5)).toEqual({ stride: 6, folded: true, width: 3, height: 2 });
  });

  it('reads [N, K] codes when transposeB', () => {
    const K = 4;
    const N = 4;
    const bT = Int32Array.from({ length: N * K }, (_, i) => (i % 2 ? -i : i));
    const packed = packB(bT, K, N, true);
    for (let k = 0; k < K; k++)
      for (let n = 0; n < N; n++) expect(packed[k * 4 + n]).toBe(bT[n * K + k]);
  });
});

describe('exactChunk', () => {
  it('keeps every partial sum within float32 integers: 1024 steps for full-range int8 codes', () => {
    expect(exactChunk(128, 128)).toBe(1024);
    expect(exactChunk(255, 255) * 255 * 255).toBeLessThanOrEqual(2 ** 24);
    expect((exactChunk(255, 255) + 1) * 255 * 255).toBeGreaterThan(2 ** 24);
  });
});
