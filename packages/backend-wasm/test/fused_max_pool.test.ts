import {
  ClipqConv2DInt8,
  conv2dInt8AccImpl,
  convGeometry,
  convInt8OutputImpl,
  requantizeAttrs,
  requantizeCodesImpl,
} from '@clipq/core';
import {
  backend_util,
  engine,
  getKernel,
  type Tensor,
  tensor,
  tensor1d,
} from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { seeded } from './bits.js';
import './setup.js';

interface Case {
  name: string;
  shape: [number, number, number, number];
  outChannels: number;
  pool: [number, number, 'same' | 'valid'];
  zeroPoints: boolean;
  negativeScale?: boolean;
  activation: 'linear' | 'relu' | 'relu6';
}

const CASES: Case[] = [
  {
    name: 'direct kernel (1 channel), pool fused',
    shape: [3, 9, 11, 1],
    outChannels: 16,
    pool: [2, 2, 'valid'],
    zeroPoints: true,
    activation: 'relu',
  },
  {
    name: 'padded-image GEMM (16 channels, half last panel), pool fused',
    shape: [2, 7, 6, 16],
    outChannels: 20,
    pool: [2, 2, 'valid'],
    zeroPoints: false,
    activation: 'relu6',
  },
  {
    name: 'padded-image GEMM, linear, pool fused',
    shape: [1, 8, 9, 8],
    outChannels: 32,
    pool: [2, 2, 'valid'],
    zeroPoints: false,
    activation: 'linear',
  },
  {
    name: 'weight zero points (im2col path): conv, then pool',
    shape: [2, 7, 6, 16],
    outChannels: 20,
    pool: [2, 2, 'valid'],
    zeroPoints: true,
    activation: 'relu',
  },
  {
    name: '3x3 stride-2 same pool: conv, then pool',
    shape: [2, 9, 11, 1],
    outChannels: 16,
    pool: [3, 2, 'same'],
    zeroPoints: true,
    activation: 'relu',
  },
  {
    name: 'a negative weight scale: conv, then pool',
    shape: [2, 9, 11, 1],
    outChannels: 16,
    pool: [2, 2, 'valid'],
    zeroPoints: false,
    negativeScale: true,
    activation: 'linear',
  },
];

/** Max pool of NHWC int32 codes, taps outside the image skipped (as TF). */
function maxPoolReference(
  codes: Int32Array,
  shape: number[],
  [size, stride, pad]: Case['pool'],
): { values: number[]; shape: number[] } {
  const info = backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    size,
    stride,
    1,
    pad,
  );
  const [, H, W, C] = shape as [number, number, number, number];
  const values: number[] = [];
  for (let b = 0; b < info.batchSize; b++)
    for (let oy = 0; oy < info.outHeight; oy++)
      for (let ox = 0; ox < info.outWidth; ox++)
        for (let c = 0; c < C; c++) {
          let m = -Infinity;
          for (let ky = 0; ky < size; ky++)
            for (let kx = 0; kx < size; kx++) {
              const iy = oy * stride - info.padInfo.top + ky;
              const ix = ox * stride - info.padInfo.left + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                m = Math.max(m, codes[((b * H + iy) * W + ix) * C + c]!);
            }
          values.push(m);
        }
  return { values, shape: info.outShape };
}

describe('ClipqConv2DInt8 with fusedMaxPool on wasm: the Impl conv, requantized, then max pooled', () => {
  CASES.forEach((c, i) => {
    it(c.name, () => {
      resetClipqWasmKernelStats();
      const r = seeded(900 + i);
      const C = c.shape[3];
      const N = c.outChannels;
      const code = () => Math.floor(r() * 256) - 128;
      const x = Int32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, code);
      const filter = Int32Array.from({ length: 9 * C * N }, code);
      const wZeroPoint = Int32Array.from({ length: N }, (_, n) => (c.zeroPoints ? (n % 3) - 1 : 0));
      const wScale = Float32Array.from({ length: N }, (_, n) =>
        c.negativeScale && n === 5 ? -0.004 : 0.001 + r() * 0.01,
      );
      const bias = Float32Array.from({ length: N }, () => r() - 0.5);
      const range = requantizeAttrs(-2, 3, 8);
      const [size, stride, pad] = c.pool;
      const attrs = {
        strides: [1, 1],
        pad: 'same',
        dilations: [1, 1],
        xScale: 0.05,
        xZeroPoint: -9,
        activation: c.activation,
        hasBias: true,
        requantize: range,
        fusedMaxPool: { poolSize: [size, size], strides: [stride, stride], pad },
      };
      const out = engine().runKernel(
        ClipqConv2DInt8,
        {
          x: tensor(x, c.shape, 'int32'),
          filter: tensor(filter, [3, 3, C, N], 'int32'),
          wScale: tensor1d(wScale),
          wZeroPoint: tensor1d(wZeroPoint, 'int32'),
          bias: tensor1d(bias),
        },
        attrs as never,
      ) as Tensor;
      const geometry = convGeometry(c.shape, 3, 3, [1, 1], [1, 1], 'same');
      const acc = conv2dInt8AccImpl({ x, filter, geometry, xZeroPoint: -9, wZeroPoint }, N);
      const values = convInt8OutputImpl(acc, N, {
        xScale: 0.05,
        wScale,
        bias,
        activation: c.activation,
      });
      const codes = Int32Array.from(requantizeCodesImpl(values, range));
      const convShape = [c.shape[0], geometry.outHeight, geometry.outWidth, N];
      const expected = maxPoolReference(codes, convShape, c.pool);
      expect(out.dtype).toBe('int32');
      expect(out.shape).toEqual(expected.shape);
      expect(Array.from(out.dataSync())).toEqual(expected.values);
      expect(clipqWasmKernelStats().impl).toEqual({});
    });
  });

  it('says so on the registered kernel function (supportsFusedMaxPool)', () => {
    const kernelFunc = getKernel(ClipqConv2DInt8, 'wasm')?.kernelFunc as {
      supportsFusedMaxPool?: boolean;
    };
    expect(kernelFunc.supportsFusedMaxPool).toBe(true);
  });

  it('refuses a fused pool without requantization', () => {
    const attrs = {
      strides: [1, 1],
      pad: 'same',
      dilations: [1, 1],
      xScale: 0.05,
      xZeroPoint: 0,
      activation: 'linear',
      hasBias: false,
      requantize: null,
      fusedMaxPool: { poolSize: [2, 2], strides: [2, 2], pad: 'valid' },
    };
    const inputs = {
      x: tensor(new Int32Array(16), [1, 4, 4, 1], 'int32'),
      filter: tensor(new Int32Array(9 * 16), [3, 3, 1, 16], 'int32'),
      wScale: tensor1d([0.01]),
      wZeroPoint: tensor1d([0], 'int32'),
    };
    expect(() => engine().runKernel(ClipqConv2DInt8, inputs, attrs as never)).toThrow(
      /fusedMaxPool needs requantize/,
    );
  });
});
