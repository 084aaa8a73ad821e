/**
 * The cpu int8 convolutions on shapes the shared conformance cases do not reach: several 128-row GEMM
 * blocks, depth K > 256 (several depth blocks of the implicit im2col), asymmetric weights (zero points
 * ≠ 0, so the patches' row sums enter the fold), the direct small-patch path, edge codes, strides,
 * dilations and both paddings, each against core's naive Impl, in float32 and requantized.
 */
import {
  ClipqConv2DInt8,
  type ConvInt8Problem,
  conv2dInt8,
  conv2dInt8AccImpl,
  convGeometry,
  convInt8OutputImpl,
  depthwiseConv2dInt8,
  depthwiseConv2dInt8AccImpl,
  type FusedActivation,
  QuantizedTensor,
  requantizeAttrs,
  requantizeCodesImpl,
} from '@clipq/core';
import { engine, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { edgeHeavyCodes, firstMismatch, rng } from './helpers.js';
import './setup.js';

interface Case {
  x: [number, number, number, number];
  k: [number, number];
  out: number;
  stride: [number, number];
  dilation: [number, number];
  pad: 'same' | 'valid';
  depthwise: boolean;
  activation: FusedActivation;
}

const cases: Case[] = [
  // K = 3·3·40 = 360: two depth blocks; M = 2·12·12 = 288: three row blocks.
  {
    x: [2, 12, 12, 40],
    k: [3, 3],
    out: 9,
    stride: [1, 1],
    dilation: [1, 1],
    pad: 'same',
    depthwise: false,
    activation: 'relu',
  },
  // Direct path (K = 9 ≤ 16): stride 2, 'valid', an odd channel count; and 'same' with padding.
  {
    x: [2, 9, 10, 1],
    k: [3, 3],
    out: 5,
    stride: [2, 2],
    dilation: [1, 1],
    pad: 'valid',
    depthwise: false,
    activation: 'relu6',
  },
  {
    x: [3, 7, 6, 1],
    k: [3, 3],
    out: 11,
    stride: [2, 1],
    dilation: [1, 1],
    pad: 'same',
    depthwise: false,
    activation: 'relu',
  },
  {
    x: [1, 17, 15, 1],
    k: [5, 3],
    out: 16,
    stride: [1, 1],
    dilation: [1, 2],
    pad: 'same',
    depthwise: false,
    activation: 'linear',
  },
  {
    x: [3, 9, 11, 3],
    k: [3, 3],
    out: 13,
    stride: [2, 2],
    dilation: [1, 1],
    pad: 'valid',
    depthwise: false,
    activation: 'relu6',
  },
  {
    x: [2, 16, 16, 24],
    k: [3, 3],
    out: 1,
    stride: [1, 1],
    dilation: [1, 1],
    pad: 'same',
    depthwise: true,
    activation: 'relu6',
  },
  {
    x: [1, 9, 7, 5],
    k: [3, 3],
    out: 3,
    stride: [1, 1],
    dilation: [2, 1],
    pad: 'same',
    depthwise: true,
    activation: 'linear',
  },
];

describe('cpu int8 convolutions vs core Impl (deep K, row blocks, asymmetric weights)', () => {
  cases.forEach((c, index) => {
    const name = `${c.depthwise ? 'depthwise' : 'conv'} x[${c.x}] k${c.k.join('x')} out ${c.out} s${c.stride} d${c.dilation} ${c.pad} ${c.activation}`;
    it(name, () => {
      const r = rng(900 + index);
      const cin = c.x[3];
      const filterShape = [c.k[0], c.k[1], cin, c.out];
      const channels = c.depthwise ? cin * c.out : c.out;
      const xCodes = edgeHeavyCodes(
        r,
        c.x.reduce((a, b) => a * b, 1),
      );
      const wCodes = edgeHeavyCodes(
        r,
        filterShape.reduce((a, b) => a * b, 1),
      );
      const xZeroPoint = -100 + Math.floor(r() * 200);
      const wZeroPoint = Int32Array.from(
        { length: c.depthwise ? cin : c.out },
        () => -60 + Math.floor(r() * 120),
      );
      const wScale = Float32Array.from(wZeroPoint, () => Math.fround(1e-3 + r() * 0.01));
      const xScale = Math.fround(0.01 + r() * 0.05);
      const biasValues = Float32Array.from({ length: channels }, () =>
        Math.fround((r() - 0.5) * 20),
      );
      const x = new QuantizedTensor(tensor(xCodes, c.x, 'int32'), {
        scale: Float32Array.of(xScale),
        zeroPoint: Int32Array.of(xZeroPoint),
        axis: null,
        bits: 8,
        narrowRange: false,
      });
      const w = new QuantizedTensor(tensor(wCodes, filterShape, 'int32'), {
        scale: wScale,
        zeroPoint: wZeroPoint,
        axis: c.depthwise ? 2 : 3,
        bits: 8,
        narrowRange: false,
      });
      const bias = tensor1d(biasValues);
      const g = convGeometry(c.x, c.k[0], c.k[1], c.stride, c.dilation, c.pad);
      // Per output channel zero points and scales, as the Impl wants them.
      const perOutput = (v: ArrayLike<number>) =>
        c.depthwise
          ? Array.from({ length: channels }, (_, n) => v[Math.floor(n / c.out)]!)
          : Array.from(v);
      const problem: ConvInt8Problem = {
        x: xCodes,
        filter: wCodes,
        geometry: g,
        xZeroPoint,
        wZeroPoint: perOutput(wZeroPoint),
      };
      const acc = c.depthwise
        ? depthwiseConv2dInt8AccImpl(problem, c.out)
        : conv2dInt8AccImpl(problem, c.out);
      const expected = convInt8OutputImpl(acc, channels, {
        xScale,
        wScale: perOutput(wScale),
        bias: biasValues,
        activation: c.activation,
      });
      const op = c.depthwise ? depthwiseConv2dInt8 : conv2dInt8;
      const options = {
        strides: c.stride,
        dilations: c.dilation,
        pad: c.pad,
        bias,
        activation: c.activation,
      };
      const out = op(x, w, options);
      expect(out.shape).toEqual([g.batch, g.outHeight, g.outWidth, channels]);
      expect(firstMismatch(out.dataSync(), expected)).toBe(-1);
      const range = { min: -3, max: 5, bits: 8 };
      const q = op(x, w, { ...options, outputRange: range });
      const codes = requantizeCodesImpl(expected, requantizeAttrs(range.min, range.max, 8));
      expect(firstMismatch(q.codes.dataSync(), codes)).toBe(-1);
      for (const t of [out, bias]) t.dispose();
      for (const t of [q, x, w]) t.dispose();
    });
  });
});

describe("cpu int8 convolution input checks (the kernel itself, past the op's own checks)", () => {
  for (const [name, cin] of [
    ['direct path (K ≤ 16)', 1],
    ['GEMM path', 4],
  ] as const) {
    it(`${name}: an input code outside int8 is a clear error`, () => {
      const codes = new Int32Array(5 * 5 * cin).fill(3);
      codes[7] = 300;
      const x = tensor(codes, [1, 5, 5, cin], 'int32');
      const filter = tensor(new Int32Array(9 * cin * 4).fill(1), [3, 3, cin, 4], 'int32');
      const wScale = tensor1d(new Float32Array(4).fill(0.1));
      const wZeroPoint = tensor1d(new Int32Array(4), 'int32');
      const attrs = {
        strides: [1, 1],
        dilations: [1, 1],
        pad: 'same',
        xScale: 0.1,
        xZeroPoint: 0,
        activation: 'linear',
        hasBias: false,
      };
      expect(() =>
        engine().runKernel(ClipqConv2DInt8, { x, filter, wScale, wZeroPoint }, attrs as never),
      ).toThrow(/conv2dInt8: x code 300 at flat index 7 is outside the int8 range/);
      for (const t of [x, filter, wScale, wZeroPoint]) t.dispose();
    });
  }
});
