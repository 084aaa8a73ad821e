/**
 * The cpu cache's pinned entries (PINNED.md): one byte per code for every kernel (plus column sums), `unpack` round trips,
 * `release` frees the bytes, an entry survives its codes' dispose and a sweep, and a kernel given an
 * unknown, released or mismatched key throws an error that names the kernel and the backend.
 */
import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
  type PinnableKernel,
  packedWeightBytes,
  QuantizedTensor,
} from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { packedWeightCache } from '../src/base.js';
import { edgeHeavyCodes, rng } from './helpers.js';
import './setup.js';

const kernels = [
  [ClipqMatMulInt8, [37, 13]],
  [ClipqConv2DInt8, [3, 3, 5, 12]],
  [ClipqDepthwiseConv2DInt8, [3, 3, 7, 2]],
] as const;

function codes(shape: readonly number[], seed: number): { values: Int32Array; tensor: Tensor } {
  const values = edgeHeavyCodes(
    rng(seed),
    shape.reduce((x, y) => x * y, 1),
  );
  return { values, tensor: tensor(values, [...shape], 'int32') };
}

/** A matmul [M,K]×[K,N] through the kernel, pinned when `key` is given. */
function matMul(a: Tensor, N: number, b: Tensor | null, key: object | null, K: number): Tensor {
  const inputs: Record<string, Tensor> = {
    a,
    bScale: tensor1d([0.5]),
    bZeroPoint: tensor1d([0], 'int32'),
  };
  if (b) inputs.b = b;
  const attrs = {
    aScale: 1,
    aZeroPoint: 0,
    transposeB: false,
    activation: 'linear',
    hasBias: false,
    pinnedWeights: key ? { key, shape: [K, N] } : null,
  };
  try {
    return engine().runKernel(ClipqMatMulInt8, inputs, attrs as never) as Tensor;
  } finally {
    inputs.bScale!.dispose();
    inputs.bZeroPoint!.dispose();
  }
}

describe('pinned weights in the cpu packed-weight cache', () => {
  for (const [kernelName, shape] of kernels) {
    it(`${kernelName}: one byte per code, unpack round trip, release frees the bytes`, () => {
      const { values, tensor: t } = codes(shape, 11);
      const before = packedWeightCache.bytes();
      const key = {};
      expect(packedWeightCache.pin(key, { kernelName, codes: t })).toBe(true);
      t.dispose();
      // One byte per code; a GEMM's panels also keep an int32 column sum per output channel.
      const expected =
        values.length + (kernelName === ClipqDepthwiseConv2DInt8 ? 0 : 4 * shape.at(-1)!);
      expect(packedWeightCache.bytes() - before).toBe(expected);
      expect(packedWeightCache.bytesOf(key)).toBe(expected);
      expect(packedWeightBytes().cpu).toBe(packedWeightCache.bytes());
      expect(Array.from(packedWeightCache.unpack(key)!)).toEqual(Array.from(values));
      packedWeightCache.release(key);
      expect(packedWeightCache.bytes()).toBe(before);
      expect(packedWeightCache.unpack(key)).toBeNull();
      packedWeightCache.release(key); // idempotent
    });
  }

  it('a pinned entry survives its codes being disposed and a sweep at the next matmul', () => {
    const K = 24;
    const N = 10;
    const { tensor: b } = codes([K, N], 5);
    const a = tensor(edgeHeavyCodes(rng(6), 3 * K), [3, K], 'int32');
    const expected = matMul(a, N, b, null, K);
    const key = {};
    packedWeightCache.pin(key, { kernelName: ClipqMatMulInt8, codes: b });
    b.dispose();
    // An unpinned matmul sweeps entries of disposed codes; the pinned key must not be one of them.
    const other = tensor(edgeHeavyCodes(rng(7), K * N), [K, N], 'int32');
    matMul(a, N, other, null, K).dispose();
    expect(packedWeightCache.has(key)).toBe(true);
    const actual = matMul(a, N, null, key, K);
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    packedWeightCache.release(key);
    for (const t of [a, other, expected, actual]) t.dispose();
  });

  it("keeps a pinned entry when the codes' dataId is released, frees it when its key is", () => {
    const { tensor: t } = codes([16, 8], 9);
    const key = {};
    packedWeightCache.pin(key, { kernelName: ClipqMatMulInt8, codes: t });
    const q = new QuantizedTensor(t, {
      scale: Float32Array.of(1),
      zeroPoint: Int32Array.of(0),
      axis: null,
      bits: 8,
      narrowRange: false,
    });
    q.dispose(); // releases the codes' dataId in every cache, not the pinned key
    expect(packedWeightCache.has(key)).toBe(true);
    packedWeightCache.release(key);
    expect(packedWeightCache.has(key)).toBe(false);
  });

  it('throws a clear error for an unknown, released or mismatched key', () => {
    const K = 8;
    const N = 4;
    const a = tensor(new Int32Array(2 * K).fill(1), [2, K], 'int32');
    expect(() => matMul(a, N, null, {}, K)).toThrow(
      /ClipqMatMulInt8: pinned weights not found on backend 'cpu': released, or packed on another backend/,
    );
    const { tensor: filter } = codes([3, 3, 4, 1], 3);
    const key = {};
    packedWeightCache.pin(key, { kernelName: ClipqDepthwiseConv2DInt8, codes: filter });
    // A depthwise filter is not a matrix the GEMM can read.
    expect(() => matMul(a, N, null, key, K)).toThrow(
      /ClipqMatMulInt8: the pinned weights were packed for ClipqDepthwiseConv2DInt8/,
    );
    packedWeightCache.release(key);
    expect(() => matMul(a, N, null, key, K)).toThrow(/pinned weights not found on backend 'cpu'/);
    a.dispose();
    filter.dispose();
  });

  it('pins nothing for a kernel it does not know, and rejects codes outside int8', () => {
    const { tensor: t } = codes([4, 4], 1);
    const before = packedWeightCache.bytes();
    expect(
      packedWeightCache.pin({}, { kernelName: 'Conv3DInt8' as PinnableKernel, codes: t }),
    ).toBe(false);
    expect(packedWeightCache.bytes()).toBe(before);
    const wide = tensor([1, 2, 300, 4], [1, 1, 4, 1], 'int32');
    expect(() =>
      packedWeightCache.pin({}, { kernelName: ClipqDepthwiseConv2DInt8, codes: wide }),
    ).toThrow(/filter code 300 at flat index 2 is outside the int8 range/);
    const wideMatrix = tensor([1, -129, 3, 4], [2, 2], 'int32');
    expect(() =>
      packedWeightCache.pin({}, { kernelName: ClipqMatMulInt8, codes: wideMatrix }),
    ).toThrow(/ClipqMatMulInt8 pin: b code -129 at flat index 1 is outside the int8 range/);
    expect(packedWeightCache.bytes()).toBe(before);
    t.dispose();
    wide.dispose();
    wideMatrix.dispose();
  });
});

describe('releasing a dataId other tensors share', () => {
  it("keeps the packed copy while a clone still holds the data (core's QuantizedTensor releases with the last holder)", () => {
    const K = 16;
    const N = 8;
    const { tensor: b } = codes([K, N], 12);
    const a = tensor(edgeHeavyCodes(rng(13), 2 * K), [2, K], 'int32');
    matMul(a, N, b, null, K).dispose();
    const spec = {
      scale: Float32Array.of(0.5),
      zeroPoint: Int32Array.of(0),
      axis: null,
      bits: 8,
      narrowRange: false,
    };
    // A clone shares b's dataId, as QuantizedTensor.pack() of a copy sees it.
    new QuantizedTensor(b.clone(), spec).dispose();
    expect(packedWeightCache.bytesOf(b.dataId)).toBe(K * N + 4 * N);
    new QuantizedTensor(b, spec).dispose();
    expect(packedWeightCache.has(b.dataId)).toBe(false);
    a.dispose();
  });
});
