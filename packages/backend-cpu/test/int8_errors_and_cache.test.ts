import { ClipqMatMulInt8, matMulInt8, packedWeightBytes, QuantizedTensor } from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { packedWeightCache } from '../src/base.js';
import './setup.js';

function quantized(
  codes: Int32Array | number[],
  shape: number[],
  axis: number | null = null,
): QuantizedTensor {
  const channels = axis === null ? 1 : shape[axis]!;
  return new QuantizedTensor(tensor(codes, shape, 'int32'), {
    scale: new Float32Array(channels).fill(0.25),
    zeroPoint: new Int32Array(channels),
    axis,
    bits: 8,
    narrowRange: false,
  });
}

const attrs = { aScale: 1, aZeroPoint: 0, transposeB: false, activation: 'linear', hasBias: false };

/** Calls the kernel directly, bypassing the op's own checks. */
function runKernel(
  inputs: Record<string, Tensor>,
  overrides: Record<string, unknown> = {},
): Tensor {
  return engine().runKernel(ClipqMatMulInt8, inputs, { ...attrs, ...overrides } as never) as Tensor;
}

describe('ClipqMatMulInt8 kernel errors', () => {
  const scale = tensor1d([1], 'float32');
  const zero = tensor1d([0], 'int32');

  it('rejects mismatched inner dimensions', () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const b = tensor([1, 2, 3, 4], [2, 2], 'int32');
    expect(() => runKernel({ a, b, bScale: scale, bZeroPoint: zero })).toThrow(
      /inner dimensions differ: a is \[2,3\], b is \[2,2\]/,
    );
  });

  it('rejects codes that are not int32', () => {
    const a = tensor([1, 2], [1, 2], 'float32');
    const b = tensor([1, 2], [2, 1], 'int32');
    expect(() => runKernel({ a, b, bScale: scale, bZeroPoint: zero })).toThrow(
      /a's codes must be int32, got float32/,
    );
  });

  it('rejects codes outside int8, naming the tensor and the index', () => {
    const a = tensor([1, 2], [1, 2], 'int32');
    const b = tensor([1, 200], [2, 1], 'int32');
    expect(() => runKernel({ a, b, bScale: scale, bZeroPoint: zero })).toThrow(
      /b code 200 at flat index 1 is outside the int8 range/,
    );
    const badA = tensor([-129, 0], [1, 2], 'int32');
    const goodB = tensor([1, 2], [2, 1], 'int32');
    expect(() => runKernel({ a: badA, b: goodB, bScale: scale, bZeroPoint: zero })).toThrow(
      /a code -129 at flat index 0/,
    );
  });

  it('rejects a bias or scale of the wrong length', () => {
    const a = tensor([1, 2], [1, 2], 'int32');
    const b = tensor([1, 2, 3, 4], [2, 2], 'int32');
    const bias = tensor1d([1, 2, 3]);
    expect(() =>
      runKernel({ a, b, bScale: scale, bZeroPoint: zero, bias }, { hasBias: true }),
    ).toThrow(/bias must have shape \[2\], got \[3\]/);
    expect(() => runKernel({ a, b, bScale: tensor1d([1, 1, 1]), bZeroPoint: zero })).toThrow(
      /bScale must have shape \[2\] or \[1\]/,
    );
  });

  it('surfaces the op errors for a per-channel a and a disposed operand', () => {
    const a = quantized([1, 2, 3, 4], [2, 2], 1);
    const b = quantized([1, 2, 3, 4], [2, 2]);
    expect(() => matMulInt8(a, b)).toThrow(/per tensor/);
    const a2 = quantized([1, 2, 3, 4], [2, 2]);
    b.dispose();
    expect(() => matMulInt8(a2, b)).toThrow(/disposed/);
    a.dispose();
    a2.dispose();
  });
});

describe('packed weight cache', () => {
  it('packs B at one byte per weight plus 4 bytes of column sum per column, also when N is not a multiple of 8', () => {
    const K = 33;
    for (const N of [10, 3, 8]) {
      const a = quantized(new Int32Array(5 * K).fill(1), [5, K]);
      const b = quantized(
        Int32Array.from({ length: K * N }, (_, i) => (i % 255) - 127),
        [K, N],
        1,
      );
      matMulInt8(a, b).dispose();
      expect(packedWeightCache.bytesOf(b.codes.dataId)).toBe(K * N + 4 * N);
      a.dispose();
      b.dispose();
    }
  });

  it('packs B once, at one byte per weight (plus column sums), and frees it on dispose()', () => {
    const K = 64;
    const N = 40;
    const a = quantized(new Int32Array(3 * K).fill(1), [3, K]);
    const b = quantized(
      Int32Array.from({ length: K * N }, (_, i) => (i % 255) - 127),
      [K, N],
      1,
    );
    const before = packedWeightCache.bytes();
    matMulInt8(a, b).dispose();
    const packed = packedWeightCache.bytesOf(b.codes.dataId);
    // Full 8-column panels plus a tight tail: one byte per weight; and an int32 sum per column.
    expect(packed).toBe(K * N + 4 * N);
    expect(packedWeightCache.bytes()).toBe(before + packed);
    expect(packedWeightBytes().cpu).toBe(packedWeightCache.bytes());
    // A second call reuses the packed copy (same object, no repacking).
    const first = packedWeightCache.get(
      b.codes.dataId,
      () => {
        throw new Error('repacked');
      },
      K,
      N,
      false,
    );
    matMulInt8(a, b).dispose();
    expect(
      packedWeightCache.get(
        b.codes.dataId,
        () => {
          throw new Error('repacked');
        },
        K,
        N,
        false,
      ),
    ).toBe(first);
    const dataId = b.codes.dataId;
    b.dispose();
    expect(packedWeightCache.has(dataId)).toBe(false);
    expect(packedWeightCache.bytes()).toBe(before);
    a.dispose();
  });

  it('drops the packed copy of codes disposed without QuantizedTensor.dispose() at the next matmul', () => {
    const a = quantized([1, 2, 3, 4], [2, 2]);
    const codes = tensor([1, 2, 3, 4], [2, 2], 'int32');
    const b = new QuantizedTensor(codes, {
      scale: Float32Array.of(1),
      zeroPoint: Int32Array.of(0),
      axis: null,
      bits: 8,
      narrowRange: false,
    });
    matMulInt8(a, b).dispose();
    expect(packedWeightCache.has(codes.dataId)).toBe(true);
    codes.dispose();
    const other = quantized([5, 6, 7, 8], [2, 2]);
    matMulInt8(a, other).dispose();
    expect(packedWeightCache.has(codes.dataId)).toBe(false);
    a.dispose();
    other.dispose();
  });
});
