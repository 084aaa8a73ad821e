import {
  ClipqConv2DInt8,
  conv2dInt8AccImpl,
  convGeometry,
  convInt8OutputImpl,
  requantizeAttrs,
  requantizeCodesImpl,
} from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { expectSameBits, seeded } from './bits.js';
import './setup.js';

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number];
  outChannels: number;
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
  requantize: boolean;
}

// Then shapes large enough for several packed-A chunks (the GEMM packs ≤ 256 KB of A at a time), with patch
// rows taken whole (undilated, inside the image) and per tap (padding, dilation).
const CASES: Case[] = [
  // Few input channels, N a multiple of 16: the direct kernel (a padded i16 copy of each image, output
  // pixels in pairs: odd output widths leave a phantom pixel).
  {
    shape: [2, 9, 9, 3],
    kernel: [3, 3],
    outChannels: 16,
    strides: [2, 2],
    dilations: [1, 1],
    pad: 'same',
    requantize: true,
  },
  {
    shape: [3, 17, 15, 1],
    kernel: [3, 3],
    outChannels: 32,
    strides: [1, 1],
    dilations: [2, 1],
    pad: 'same',
    requantize: true,
  },
  {
    shape: [2, 11, 13, 2],
    kernel: [2, 5],
    outChannels: 16,
    strides: [1, 2],
    dilations: [1, 1],
    pad: 'valid',
    requantize: false,
  },
  // Few input channels, N not a multiple of 16: im2col with masked runs of 3 codes.
  {
    shape: [2, 19, 18, 1],
    kernel: [3, 3],
    outChannels: 12,
    strides: [1, 1],
    dilations: [1, 1],
    pad: 'same',
    requantize: true,
  },
  {
    shape: [8, 65, 63, 3],
    kernel: [3, 3],
    outChannels: 16,
    strides: [2, 2],
    dilations: [1, 1],
    pad: 'same',
    requantize: false,
  },
  {
    shape: [1, 20, 22, 40],
    kernel: [3, 3],
    outChannels: 20,
    strides: [1, 1],
    dilations: [2, 1],
    pad: 'same',
    requantize: true,
  },
  {
    shape: [2, 40, 40, 24],
    kernel: [1, 1],
    outChannels: 9,
    strides: [1, 1],
    dilations: [1, 1],
    pad: 'valid',
    requantize: true,
  },
];

describe('ClipqConv2DInt8 on wasm (chunked im2col + GEMM): bit-identical to the Impl', () => {
  CASES.forEach((c, i) => {
    it(`[${c.shape}] ${c.kernel.join('x')}→${c.outChannels} stride ${c.strides} dilation ${c.dilations} ${c.pad}${c.requantize ? ', requantized' : ''}`, () => {
      resetClipqWasmKernelStats();
      const r = seeded(700 + i);
      const [kh, kw] = c.kernel;
      const C = c.shape[3];
      const N = c.outChannels;
      const code = () => Math.floor(r() * 256) - 128;
      const x = Int32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, code);
      const filter = Int32Array.from({ length: kh * kw * C * N }, code);
      const wZeroPoint = Int32Array.from({ length: N }, (_, n) => (n % 3) - 1);
      const wScale = Float32Array.from({ length: N }, () => 0.001 + r() * 0.01);
      const bias = Float32Array.from({ length: N }, () => r() - 0.5);
      const range = requantizeAttrs(-2, 3, 8);
      const attrs = {
        strides: c.strides,
        pad: c.pad,
        dilations: c.dilations,
        xScale: 0.05,
        xZeroPoint: -9,
        activation: 'relu',
        hasBias: true,
        requantize: c.requantize ? range : null,
      };
      const out = engine().runKernel(
        ClipqConv2DInt8,
        {
          x: tensor(x, c.shape, 'int32'),
          filter: tensor(filter, [kh, kw, C, N], 'int32'),
          wScale: tensor1d(wScale),
          wZeroPoint: tensor1d(wZeroPoint, 'int32'),
          bias: tensor1d(bias),
        },
        attrs as never,
      ) as Tensor;
      const geometry = convGeometry(c.shape, kh, kw, c.strides, c.dilations, c.pad);
      const acc = conv2dInt8AccImpl({ x, filter, geometry, xZeroPoint: -9, wZeroPoint }, N);
      const values = convInt8OutputImpl(acc, N, {
        xScale: 0.05,
        wScale,
        bias,
        activation: 'relu',
      });
      expect(out.shape).toEqual([c.shape[0], geometry.outHeight, geometry.outWidth, N]);
      if (c.requantize) {
        expect(out.dtype).toBe('int32');
        expect(Array.from(out.dataSync())).toEqual(Array.from(requantizeCodesImpl(values, range)));
      } else {
        expectSameBits(out.dataSync(), values, 'conv');
      }
      expect(clipqWasmKernelStats()).toEqual({ simd: { [ClipqConv2DInt8]: 1 }, impl: {} });
    });
  });
});
