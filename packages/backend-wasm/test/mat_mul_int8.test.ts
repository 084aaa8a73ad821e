import {
  ClipqMatMulInt8,
  type FusedActivation,
  matMulInt8,
  matMulInt8Impl,
  QuantizedTensor,
  requantizeAttrs,
  requantizeCodesImpl,
} from '@clipq/core';
import { backend, engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { expectSameBits, seeded } from './bits.js';
import './setup.js';

interface Case {
  M: number;
  K: number;
  N: number;
  aZeroPoint: number;
  /** One zero point (per tensor) or one per column. */
  bZeroPoints: number[];
  transposeB: boolean;
  activation: FusedActivation;
  bias: boolean;
  edge?: boolean;
}

function codes(r: () => number, size: number, edge: boolean): Int32Array {
  return Int32Array.from({ length: size }, () =>
    edge ? (r() < 0.5 ? -128 : 127) : Math.floor(r() * 256) - 128,
  );
}

function operands(c: Case, seed: number) {
  const r = seeded(seed);
  const aCodes = codes(r, c.M * c.K, c.edge ?? false);
  const bCodes = codes(r, c.K * c.N, c.edge ?? false);
  const perChannel = c.bZeroPoints.length > 1;
  const bScale = Float32Array.from(c.bZeroPoints, () => 0.001 + r() * 0.02);
  const a = new QuantizedTensor(tensor(aCodes, [c.M, c.K], 'int32'), {
    scale: Float32Array.of(0.037),
    zeroPoint: Int32Array.of(c.aZeroPoint),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
  const b = new QuantizedTensor(tensor(bCodes, c.transposeB ? [c.N, c.K] : [c.K, c.N], 'int32'), {
    scale: bScale,
    zeroPoint: Int32Array.from(c.bZeroPoints),
    axis: perChannel ? (c.transposeB ? 0 : 1) : null,
    bits: 8,
    narrowRange: false,
  });
  const bias = c.bias ? Float32Array.from({ length: c.N }, () => (r() - 0.5) * 4) : null;
  const expected = matMulInt8Impl({
    a: aCodes,
    b: bCodes,
    M: c.M,
    K: c.K,
    N: c.N,
    transposeB: c.transposeB,
    aZeroPoint: c.aZeroPoint,
    bZeroPoint: c.bZeroPoints,
    aScale: Math.fround(0.037),
    bScale,
    bias,
    activation: c.activation,
  });
  return { a, b, bias, expected };
}

function zeroPoints(N: number, values: number[]): number[] {
  return Array.from({ length: N }, (_, n) => values[n % values.length]!);
}

const CASES: Case[] = [
  // Several packed-A chunks (256 KB of packed A at most: 128 rows at K = 1024).
  {
    M: 300,
    K: 1024,
    N: 20,
    aZeroPoint: 3,
    bZeroPoints: [-1],
    transposeB: false,
    activation: 'relu6',
    bias: true,
  },
  {
    M: 1,
    K: 1,
    N: 1,
    aZeroPoint: 0,
    bZeroPoints: [0],
    transposeB: false,
    activation: 'linear',
    bias: false,
  },
  {
    M: 1,
    K: 1000,
    N: 67,
    aZeroPoint: -128,
    bZeroPoints: [5],
    transposeB: false,
    activation: 'relu',
    bias: true,
  },
  {
    M: 1,
    K: 4096,
    N: 40,
    aZeroPoint: 127,
    bZeroPoints: zeroPoints(40, [127, -128, 0]),
    transposeB: true,
    activation: 'linear',
    bias: false,
    edge: true,
  },
  {
    M: 2,
    K: 31,
    N: 9,
    aZeroPoint: 3,
    bZeroPoints: zeroPoints(9, [-7, 2]),
    transposeB: false,
    activation: 'relu6',
    bias: true,
  },
  {
    M: 3,
    K: 4096,
    N: 17,
    aZeroPoint: -128,
    bZeroPoints: [127],
    transposeB: false,
    activation: 'linear',
    bias: true,
    edge: true,
  },
  {
    M: 4,
    K: 130,
    N: 33,
    aZeroPoint: 0,
    bZeroPoints: zeroPoints(33, [0, 1]),
    transposeB: true,
    activation: 'relu',
    bias: false,
  },
  {
    M: 5,
    K: 2,
    N: 8,
    aZeroPoint: -1,
    bZeroPoints: [0],
    transposeB: false,
    activation: 'linear',
    bias: false,
  },
  {
    M: 7,
    K: 4095,
    N: 13,
    aZeroPoint: 127,
    bZeroPoints: zeroPoints(13, [-128, 127]),
    transposeB: true,
    activation: 'relu6',
    bias: true,
    edge: true,
  },
  {
    M: 33,
    K: 257,
    N: 70,
    aZeroPoint: -20,
    bZeroPoints: zeroPoints(70, [4, -9, 0]),
    transposeB: false,
    activation: 'relu',
    bias: true,
  },
  {
    M: 64,
    K: 64,
    N: 64,
    aZeroPoint: 0,
    bZeroPoints: [0],
    transposeB: false,
    activation: 'linear',
    bias: false,
  },
];

describe('ClipqMatMulInt8 on wasm: bit-identical to matMulInt8Impl through the SIMD paths', () => {
  CASES.forEach((c, i) => {
    const path = c.M === 1 ? 'gemv' : c.M <= 4 ? 'gemvRows' : 'gemm';
    const zb = c.bZeroPoints.length > 1 ? 'per-channel' : 'per-tensor';
    it(`${c.M}x${c.K}x${c.N} (${path}), aZero ${c.aZeroPoint}, ${zb} b, transposeB=${c.transposeB}, ${c.activation}${c.bias ? ' + bias' : ''}${c.edge ? ', edge codes only' : ''}`, () => {
      resetClipqWasmKernelStats();
      const { a, b, bias, expected } = operands(c, 50 + i);
      const options = {
        transposeB: c.transposeB,
        activation: c.activation,
        ...(bias ? { bias: tensor1d(bias) } : {}),
      };
      const first = matMulInt8(a, b, options);
      expectSameBits(first.dataSync(), expected, 'first call (packs B)');
      expectSameBits(matMulInt8(a, b, options).dataSync(), expected, 'second call (cached B)');
      expect(clipqWasmKernelStats(), 'both calls ran the SIMD kernel').toEqual({
        simd: { [ClipqMatMulInt8]: 2 },
        impl: {},
      });
      a.dispose();
      b.dispose();
    });
  });

  it('stays exact when the heap grows during the kernel (views are re-derived)', () => {
    const memory = (backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm
      .asm.memory;
    // The 4096×4096 float32 output (64 MiB) is allocated inside the kernel, after its scratch.
    const c: Case = {
      M: 4096,
      K: 4,
      N: 4096,
      aZeroPoint: 9,
      bZeroPoints: [3],
      transposeB: false,
      activation: 'relu',
      bias: true,
    };
    const { a, b, bias, expected } = operands(c, 7);
    const biasTensor = tensor1d(bias!);
    const before = memory.buffer.byteLength;
    expect(before, 'heap smaller than the output before the call').toBeLessThan(4096 * 4096 * 4);
    const out = matMulInt8(a, b, { bias: biasTensor, activation: 'relu' });
    expect(memory.buffer.byteLength).toBeGreaterThan(before);
    expectSameBits(out.dataSync(), expected, 'after growth');
    out.dispose();
    a.dispose();
    b.dispose();
  });

  for (const activation of ['linear', 'relu', 'relu6'] as const) {
    it(`epilogue follows the Impl on special bias values (NaN, ±0, ±Infinity), ${activation}`, () => {
      const M = 5;
      const K = 3;
      const N = 12;
      const aCodes = Int32Array.from({ length: M * K }, (_, i) => (i % 3) - 1);
      const bCodes = Int32Array.from({ length: K * N }, (_, i) => ((i * 5) % 7) - 3);
      const special = [
        Number.NaN,
        -0,
        0,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        -7,
        7,
        6,
        -1e-30,
        1e30,
      ];
      const bias = Float32Array.from({ length: N }, (_, n) => special[n % special.length]!);
      const a = new QuantizedTensor(tensor(aCodes, [M, K], 'int32'), {
        scale: Float32Array.of(0.5),
        zeroPoint: Int32Array.of(0),
        axis: null,
        bits: 8,
        narrowRange: false,
      });
      const b = new QuantizedTensor(tensor(bCodes, [K, N], 'int32'), {
        scale: Float32Array.of(1.5),
        zeroPoint: Int32Array.of(0),
        axis: null,
        bits: 8,
        narrowRange: false,
      });
      const expected = matMulInt8Impl({
        a: aCodes,
        b: bCodes,
        M,
        K,
        N,
        transposeB: false,
        aZeroPoint: 0,
        bZeroPoint: [0],
        aScale: 0.5,
        bScale: [1.5],
        bias,
        activation,
      });
      expectSameBits(
        matMulInt8(a, b, { bias: tensor1d(bias), activation }).dataSync(),
        expected,
        activation,
      );
      // Fused requantization of the same values, with ranges inside, across and outside relu6's.
      for (const [min, max] of [
        [-2, 3],
        [7, 9],
        [-9, -1],
        [0, 0],
      ] as const) {
        const requantize = requantizeAttrs(min, max, 8);
        const codes = engine().runKernel(
          ClipqMatMulInt8,
          {
            a: a.codes,
            b: b.codes,
            bScale: tensor1d([1.5]),
            bZeroPoint: tensor1d([0], 'int32'),
            bias: tensor1d(bias),
          },
          {
            aScale: 0.5,
            aZeroPoint: 0,
            transposeB: false,
            activation,
            hasBias: true,
            requantize,
          } as never,
        ) as Tensor;
        expect(Array.from(codes.dataSync())).toEqual(
          Array.from(requantizeCodesImpl(expected, requantize)),
        );
      }
      a.dispose();
      b.dispose();
    });
  }

  it('discards the SIMD output and uses core Impl when A leaves int16 (checked after the GEMM)', () => {
    resetClipqWasmKernelStats();
    const M = 9;
    const K = 6;
    const N = 5;
    const aCodes = Int32Array.from({ length: M * K }, (_, i) => (i === 7 ? 40000 : (i % 9) - 4));
    const bCodes = Int32Array.from({ length: K * N }, (_, i) => (i % 11) - 5);
    const inputs = {
      a: tensor(aCodes, [M, K], 'int32'),
      b: tensor(bCodes, [K, N], 'int32'),
      bScale: tensor1d([0.5]),
      bZeroPoint: tensor1d([0], 'int32'),
    };
    const attrs = {
      aScale: 0.25,
      aZeroPoint: 0,
      transposeB: false,
      activation: 'linear',
      hasBias: false,
    };
    const before = backend().numDataIds();
    const out = engine().runKernel(ClipqMatMulInt8, inputs, attrs as never) as Tensor;
    const expected = matMulInt8Impl({
      a: aCodes,
      b: bCodes,
      M,
      K,
      N,
      transposeB: false,
      aZeroPoint: 0,
      bZeroPoint: [0],
      aScale: 0.25,
      bScale: [0.5],
      bias: null,
      activation: 'linear',
    });
    expectSameBits(out.dataSync(), expected, 'A beyond int16');
    expect(clipqWasmKernelStats().impl[ClipqMatMulInt8]).toBe(1);
    out.dispose();
    expect(backend().numDataIds()).toBe(before);
  });

  it('uses core Impl (still exact) for codes outside int8, e.g. a 16-bit B', () => {
    resetClipqWasmKernelStats();
    const M = 3;
    const K = 5;
    const N = 4;
    const aCodes = Int32Array.from({ length: M * K }, (_, i) => (i % 7) - 3);
    const bCodes = Int32Array.from({ length: K * N }, (_, i) => (i % 2 ? 30000 : -32768));
    const run = (): Tensor =>
      engine().runKernel(
        ClipqMatMulInt8,
        {
          a: tensor(aCodes, [M, K], 'int32'),
          b: tensor(bCodes, [K, N], 'int32'),
          bScale: tensor1d([0.5]),
          bZeroPoint: tensor1d([0], 'int32'),
        },
        {
          aScale: 0.25,
          aZeroPoint: 1,
          transposeB: false,
          activation: 'linear',
          hasBias: false,
        } as never,
      ) as Tensor;
    const expected = matMulInt8Impl({
      a: aCodes,
      b: bCodes,
      M,
      K,
      N,
      transposeB: false,
      aZeroPoint: 1,
      bZeroPoint: [0],
      aScale: 0.25,
      bScale: [0.5],
      bias: null,
      activation: 'linear',
    });
    expectSameBits(run().dataSync(), expected, '16-bit B');
    expect(clipqWasmKernelStats().impl[ClipqMatMulInt8]).toBe(1);
  });
});
