/**
 * Pinned weights (PINNED.md): the cpu cache's `pin`/`unpack`, and every path of the three int8 kernels
 * run from a pinned entry (no weight input, `attrs.pinnedWeights`) against the same kernel given the
 * int32 codes: GEMV and GEMM matmul, implicit-im2col, pointwise and direct convolutions, depthwise
 * (unrolled 3×3, multiplier > 1, strides, dilations), float32 and requantized outputs.
 */
import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
  type FusedActivation,
  requantizeAttrs,
} from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { packedWeightCache } from '../src/base.js';
import { edgeHeavyCodes, firstMismatch, rng } from './helpers.js';
import './setup.js';

type Kernel = typeof ClipqMatMulInt8 | typeof ClipqConv2DInt8 | typeof ClipqDepthwiseConv2DInt8;

function codesTensor(shape: number[], seed: number): Tensor {
  const size = shape.reduce((x, y) => x * y, 1);
  return tensor(edgeHeavyCodes(rng(seed), size), shape, 'int32');
}

/** Per-channel scales and (asymmetric) zero points, and a bias, for `channels` outputs. */
function channelParams(channels: number, seed: number): Record<string, Tensor> {
  const r = rng(seed);
  return {
    scale: tensor1d(Float32Array.from({ length: channels }, () => 0.001 + r() * 0.01)),
    zeroPoint: tensor1d(
      Int32Array.from({ length: channels }, () => Math.floor(r() * 9) - 4),
      'int32',
    ),
    bias: tensor1d(Float32Array.from({ length: channels }, () => r() - 0.5)),
  };
}

/** Pins `codes` for `kernel` under a fresh key. */
function pin(kernel: Kernel, codes: Tensor): object {
  const key = {};
  expect(packedWeightCache.pin(key, { kernelName: kernel, codes })).toBe(true);
  return key;
}

/** Runs `kernel` once with the weight input and once pinned; returns both outputs' values. */
function runBoth(
  kernel: Kernel,
  weightName: 'b' | 'filter',
  inputs: Record<string, Tensor>,
  weights: Tensor,
  attrs: Record<string, unknown>,
): { unpinned: ArrayLike<number>; pinned: ArrayLike<number> } {
  const run = (extra: Record<string, Tensor>, more: Record<string, unknown>) => {
    const out = engine().runKernel(kernel, { ...inputs, ...extra }, {
      ...attrs,
      ...more,
    } as never) as Tensor;
    const values = out.dataSync();
    out.dispose();
    return values;
  };
  const unpinned = run({ [weightName]: weights }, {});
  const key = pin(kernel, weights);
  const pinned = run({}, { pinnedWeights: { key, shape: weights.shape } });
  packedWeightCache.release(key);
  return { unpinned, pinned };
}

function expectSame(result: { unpinned: ArrayLike<number>; pinned: ArrayLike<number> }): void {
  expect(result.pinned.length).toBe(result.unpinned.length);
  expect(firstMismatch(result.pinned, result.unpinned)).toBe(-1);
}

const requantize = requantizeAttrs(-1, 3, 8);

describe('pinned ClipqMatMulInt8', () => {
  // M ≤ 4 takes the GEMV path, larger M the packed-pair GEMM; N = 13 has a 5-column tail.
  for (const [M, K, N] of [
    [1, 70, 13],
    [4, 33, 16],
    [9, 300, 13],
    [130, 40, 24],
  ] as const) {
    for (const output of ['float32', 'requantized'] as const) {
      it(`[${M},${K}]×[${K},${N}] ${output} is bit-identical to the unpinned kernel`, () => {
        const { scale, zeroPoint, bias } = channelParams(N, M + K);
        const a = codesTensor([M, K], 1);
        const b = codesTensor([K, N], 2);
        expectSame(
          runBoth(ClipqMatMulInt8, 'b', { a, bScale: scale, bZeroPoint: zeroPoint, bias }, b, {
            aScale: 0.02,
            aZeroPoint: -3,
            transposeB: false,
            activation: 'relu',
            hasBias: true,
            requantize: output === 'requantized' ? requantize : null,
          }),
        );
        for (const t of [a, b, scale, zeroPoint, bias]) t.dispose();
      });
    }
  }
});

interface ConvCase {
  name: string;
  x: number[];
  filter: number[];
  stride: number;
  dilation: number;
  pad: 'same' | 'valid';
  activation: FusedActivation;
}

type CaseRow = readonly [
  string,
  readonly number[],
  readonly number[],
  number,
  number,
  'same' | 'valid',
  FusedActivation,
];

/** Rows of [name, x, filter [kh,kw,Cin,Cout|multiplier], stride, dilation, pad, activation]. */
const caseOf = ([name, x, filter, stride, dilation, pad, activation]: CaseRow): ConvCase => ({
  name,
  x: [...x],
  filter: [...filter],
  stride,
  dilation,
  pad,
  activation,
});

const convCases = (
  [
    ['im2col GEMM', [2, 9, 8, 5], [3, 3, 5, 11], 1, 1, 'same', 'relu'],
    ['im2col GEMM, stride 2, valid', [1, 10, 9, 8], [3, 3, 8, 16], 2, 1, 'valid', 'relu6'],
    ['pointwise (codes as the matrix)', [2, 5, 6, 20], [1, 1, 20, 9], 1, 1, 'same', 'linear'],
    ['pointwise K ≤ 16 (GEMM)', [1, 6, 6, 12], [1, 1, 12, 7], 1, 1, 'valid', 'relu'],
    ['1×1 K ≤ 16, stride 2 (direct)', [1, 7, 7, 12], [1, 1, 12, 7], 2, 1, 'same', 'relu'],
    ['direct 3×3 on 1 channel', [3, 9, 7, 1], [3, 3, 1, 13], 1, 1, 'same', 'relu'],
    ['direct, dilation 2', [1, 11, 10, 1], [3, 3, 1, 16], 1, 2, 'same', 'linear'],
  ] as const
).map(caseOf);

const depthwiseCases = (
  [
    ['3×3 interior unrolled', [2, 8, 9, 6], [3, 3, 6, 1], 1, 1, 'same', 'relu'],
    ['stride 2, valid', [1, 9, 9, 5], [3, 3, 5, 1], 2, 1, 'valid', 'relu6'],
    ['multiplier 3', [1, 6, 7, 4], [3, 3, 4, 3], 1, 1, 'same', 'linear'],
    ['5×3, dilation 2', [1, 12, 11, 3], [5, 3, 3, 2], 1, 2, 'same', 'relu'],
  ] as const
).map(caseOf);

function convRun(kernel: Kernel, c: ConvCase, requantized: boolean) {
  const outChannels = kernel === ClipqConv2DInt8 ? c.filter[3]! : c.filter[2]! * c.filter[3]!;
  const { scale, zeroPoint, bias } = channelParams(outChannels, c.x[1]! + c.filter[3]!);
  const x = codesTensor(c.x, 3);
  const filter = codesTensor(c.filter, 4);
  const result = runBoth(
    kernel,
    'filter',
    { x, wScale: scale, wZeroPoint: zeroPoint, bias },
    filter,
    {
      strides: [c.stride, c.stride],
      pad: c.pad,
      dilations: [c.dilation, c.dilation],
      xScale: 0.03,
      xZeroPoint: 7,
      activation: c.activation,
      hasBias: true,
      requantize: requantized ? requantize : null,
    },
  );
  for (const t of [x, filter, scale, zeroPoint, bias]) t.dispose();
  return result;
}

describe('pinned ClipqConv2DInt8', () => {
  for (const c of convCases) {
    for (const requantized of [false, true]) {
      it(`${c.name}${requantized ? ', requantized' : ''} is bit-identical to the unpinned kernel`, () => {
        expectSame(convRun(ClipqConv2DInt8, c, requantized));
      });
    }
  }
});

describe('pinned ClipqDepthwiseConv2DInt8', () => {
  for (const c of depthwiseCases) {
    for (const requantized of [false, true]) {
      it(`${c.name}${requantized ? ', requantized' : ''} is bit-identical to the unpinned kernel`, () => {
        expectSame(convRun(ClipqDepthwiseConv2DInt8, c, requantized));
      });
    }
  }
});
