import { cast, getKernel, maxPool, type Tensor4D, tensor4d, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seeded } from './bits.js';
import './setup.js';

describe('MaxPool on wasm with int32 codes (wrapped tfjs-wasm kernel)', () => {
  const cases: Array<[number[], number, number, 'same' | 'valid']> = [
    [[2, 8, 8, 16], 2, 2, 'valid'],
    [[2, 9, 7, 10], 2, 2, 'valid'],
    [[1, 7, 5, 8], 2, 2, 'same'],
    [[1, 7, 9, 6], 3, 2, 'same'],
    [[3, 5, 6, 3], 2, 1, 'same'],
  ];
  for (const [shape, size, stride, pad] of cases) {
    it(`[${shape}] pool ${size} stride ${stride} ${pad}: the codes of the float pool`, () => {
      const r = seeded(shape.reduce((a, b) => a + b, size));
      const codes = Int32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
        Math.floor(r() * 256 - 128),
      );
      const x = tensor4d(codes, shape as [number, number, number, number], 'int32');
      const pooled = maxPool(x, size, stride, pad);
      const viaFloat = tidy(() =>
        cast(maxPool(cast(x, 'float32') as Tensor4D, size, stride, pad), 'int32'),
      );
      expect(pooled.dtype).toBe('int32');
      expect(pooled.shape).toEqual(viaFloat.shape);
      expect(Array.from(pooled.dataSync())).toEqual(Array.from(viaFloat.dataSync()));
    });
  }

  it('leaves float32 to the original kernel, and says it supports int32', () => {
    const x = tensor4d([1, -2, 3, 4, 5, -6, 7, 8], [1, 2, 2, 2]);
    expect(Array.from(maxPool(x, 2, 2, 'valid').dataSync())).toEqual([7, 8]);
    const kernelFunc = getKernel('MaxPool', 'wasm')?.kernelFunc as { supportsInt32?: boolean };
    expect(kernelFunc.supportsInt32).toBe(true);
  });
});
