import {
  ClipqDepthwiseConv2DInt8,
  convGeometry,
  convInt8OutputImpl,
  depthwiseConv2dInt8AccImpl,
  type FusedActivation,
} from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { expectSameBits, seeded } from './bits.js';
import './setup.js';

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
  xZeroPoint: number;
  perChannelZero: boolean;
  activation: FusedActivation;
  bias: boolean;
}

const CASES: Case[] = [
  {
    shape: [1, 7, 9, 4],
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    pad: 'same',
    xZeroPoint: 0,
    perChannelZero: false,
    activation: 'linear',
    bias: false,
  },
  {
    shape: [2, 8, 8, 11],
    kernel: [3, 3],
    strides: [2, 2],
    dilations: [1, 1],
    pad: 'same',
    xZeroPoint: -128,
    perChannelZero: true,
    activation: 'relu6',
    bias: true,
  },
  {
    shape: [1, 9, 6, 6],
    kernel: [3, 2],
    strides: [1, 1],
    dilations: [2, 2],
    pad: 'valid',
    xZeroPoint: 127,
    perChannelZero: true,
    activation: 'relu',
    bias: true,
  },
  {
    shape: [1, 5, 5, 3],
    kernel: [5, 5],
    strides: [1, 2],
    dilations: [1, 1],
    pad: 'same',
    xZeroPoint: 5,
    perChannelZero: false,
    activation: 'linear',
    bias: true,
  },
  // 3×3 filters with interior pixels take the register-resident fast path (channel tail: C = 13).
  {
    shape: [2, 9, 11, 13],
    kernel: [3, 3],
    strides: [1, 1],
    dilations: [1, 1],
    pad: 'same',
    xZeroPoint: -7,
    perChannelZero: true,
    activation: 'relu6',
    bias: true,
  },
  {
    shape: [1, 12, 10, 8],
    kernel: [3, 3],
    strides: [2, 1],
    dilations: [2, 2],
    pad: 'valid',
    xZeroPoint: 100,
    perChannelZero: false,
    activation: 'linear',
    bias: false,
  },
];

describe('ClipqDepthwiseConv2DInt8 on wasm (SIMD, multiplier 1): bit-identical to the Impl', () => {
  CASES.forEach((c, i) => {
    it(`[${c.shape}] ${c.kernel.join('x')} stride ${c.strides} dilation ${c.dilations} ${c.pad}, xZero ${c.xZeroPoint}, ${c.activation}`, () => {
      resetClipqWasmKernelStats();
      const r = seeded(900 + i);
      const C = c.shape[3];
      const code = () => Math.floor(r() * 256) - 128;
      const x = Int32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, code);
      const filter = Int32Array.from({ length: c.kernel[0] * c.kernel[1] * C }, code);
      const wZeroPoint = c.perChannelZero
        ? Int32Array.from({ length: C }, (_, n) => (n % 5) - 2)
        : Int32Array.of(3);
      const wScale = Float32Array.from({ length: C }, () => 0.001 + r() * 0.01);
      const bias = c.bias ? Float32Array.from({ length: C }, () => r() - 0.5) : null;
      const attrs = {
        strides: c.strides,
        pad: c.pad,
        dilations: c.dilations,
        xScale: 0.05,
        xZeroPoint: c.xZeroPoint,
        activation: c.activation,
        hasBias: c.bias,
      };
      const out = engine().runKernel(
        ClipqDepthwiseConv2DInt8,
        {
          x: tensor(x, c.shape, 'int32'),
          filter: tensor(filter, [...c.kernel, C, 1], 'int32'),
          wScale: tensor1d(wScale),
          wZeroPoint: tensor1d(wZeroPoint, 'int32'),
          ...(bias ? { bias: tensor1d(bias) } : {}),
        },
        attrs as never,
      ) as Tensor;
      const geometry = convGeometry(
        c.shape,
        c.kernel[0],
        c.kernel[1],
        c.strides,
        c.dilations,
        c.pad,
      );
      const acc = depthwiseConv2dInt8AccImpl(
        { x, filter, geometry, xZeroPoint: c.xZeroPoint, wZeroPoint },
        1,
      );
      const expected = convInt8OutputImpl(acc, C, {
        xScale: 0.05,
        wScale,
        bias,
        activation: c.activation,
      });
      expect(out.shape).toEqual([c.shape[0], geometry.outHeight, geometry.outWidth, C]);
      expectSameBits(out.dataSync(), expected, 'depthwise');
      expect(clipqWasmKernelStats()).toEqual({ simd: { [ClipqDepthwiseConv2DInt8]: 1 }, impl: {} });
    });
  });
});
