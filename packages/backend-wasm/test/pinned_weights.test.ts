import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
  type PinnableKernel,
  requantizeAttrs,
} from '@clipq/core';
import '@tensorflow/tfjs-backend-cpu';
import {
  engine,
  type NamedTensorMap,
  setBackend,
  type Tensor,
  tensor,
  tensor1d,
} from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { wasmPackedWeightCache as cache } from '../src/int8/weight_cache.js';
import { expectSameBits, seeded } from './bits.js';
import './setup.js';

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const WEIGHT_INPUT: Record<PinnableKernel, string> = {
  ClipqMatMulInt8: 'b',
  ClipqConv2DInt8: 'filter',
  ClipqDepthwiseConv2DInt8: 'filter',
};

let keys: object[] = [];
afterEach(() => {
  for (const key of keys) cache.release(key);
  keys = [];
});

/** Pins int32 codes for `kernelName` under a new key, then disposes the codes tensor, as core's pack() does. */
function pin(kernelName: PinnableKernel, codes: Int32Array, shape: number[]): object {
  const key = {};
  keys.push(key);
  const tensorOfCodes = tensor(codes, shape, 'int32');
  expect(cache.pin(key, { kernelName, codes: tensorOfCodes }), 'pin').toBe(true);
  tensorOfCodes.dispose();
  return key;
}

interface KernelCase {
  name: string;
  kernelName: PinnableKernel;
  weightShape: number[];
  /** Inputs other than the weights, and the attrs, for one seed. */
  build(random: () => number): { inputs: Record<string, Tensor>; attrs: Record<string, unknown> };
  /** The path taken: 'simd' or core's 'impl' fallback. */
  path: 'simd' | 'impl';
  weightCodes?: (random: () => number) => number;
}

const code = (random: () => number) => Math.floor(random() * 256) - 128;
const codesTensor = (random: () => number, shape: number[], draw = code) =>
  tensor(
    Int32Array.from({ length: size(shape) }, () => draw(random)),
    shape,
    'int32',
  );

function matMulCase(M: number, K: number, N: number, aCode = code): KernelCase {
  return {
    name: `ClipqMatMulInt8 ${M}x${K}x${N}${aCode === code ? '' : ', A outside int8'}`,
    kernelName: ClipqMatMulInt8,
    weightShape: [K, N],
    path: aCode === code ? 'simd' : 'impl',
    build: (random) => ({
      inputs: {
        a: codesTensor(random, [M, K], aCode),
        bScale: tensor1d(Float32Array.from({ length: N }, () => 0.001 + random() * 0.01)),
        bZeroPoint: tensor1d(
          Int32Array.from({ length: N }, (_, n) => (n % 5) - 2),
          'int32',
        ),
        bias: tensor1d(Float32Array.from({ length: N }, () => random() - 0.5)),
      },
      attrs: {
        aScale: 0.02,
        aZeroPoint: 3,
        transposeB: false,
        activation: 'relu6',
        hasBias: true,
        requantize: M % 2 ? requantizeAttrs(-1, 4, 8) : null,
      },
    }),
  };
}

function convCase(
  kernelName: typeof ClipqConv2DInt8 | typeof ClipqDepthwiseConv2DInt8,
  label: string,
  xShape: number[],
  filterShape: number[],
  options: { strides?: number[]; dilations?: number[]; pad?: string; xCode?: typeof code } = {},
): KernelCase {
  const channels =
    kernelName === ClipqConv2DInt8 ? filterShape[3]! : filterShape[2]! * filterShape[3]!;
  const xCode = options.xCode ?? code;
  const multiplier = kernelName === ClipqDepthwiseConv2DInt8 ? filterShape[3]! : 1;
  return {
    name: `${kernelName} ${label} x [${xShape}] filter [${filterShape}]`,
    kernelName,
    weightShape: filterShape,
    path: xCode === code && multiplier === 1 ? 'simd' : 'impl',
    build: (random) => ({
      inputs: {
        x: codesTensor(random, xShape, xCode),
        wScale: tensor1d(Float32Array.from({ length: channels }, () => 0.001 + random() * 0.01)),
        wZeroPoint: tensor1d(
          Int32Array.from({ length: channels }, (_, n) => (n % 3) - 1),
          'int32',
        ),
        bias: tensor1d(Float32Array.from({ length: channels }, () => random() - 0.5)),
      },
      attrs: {
        strides: options.strides ?? [1, 1],
        pad: options.pad ?? 'same',
        dilations: options.dilations ?? [1, 1],
        xScale: 0.05,
        xZeroPoint: -7,
        activation: 'relu',
        hasBias: true,
        requantize: channels % 2 ? null : requantizeAttrs(-2, 3, 8),
      },
    }),
  };
}

/** Codes far outside int8 (int32 activations): the exactness bound fails and core's path runs. */
const wide = (random: () => number) => Math.floor(random() * 2 ** 24) - 2 ** 23;

const CASES: KernelCase[] = [
  matMulCase(1, 70, 21), // gemv
  matMulCase(3, 33, 40), // gemvRows
  matMulCase(37, 130, 19), // chunked GEMM
  matMulCase(5, 16, 8, wide),
  convCase(ClipqConv2DInt8, 'direct (C = 3, N = 16)', [2, 13, 11, 3], [3, 3, 3, 16]),
  convCase(ClipqConv2DInt8, 'im2col, dilated', [1, 12, 10, 8], [3, 3, 8, 12], {
    dilations: [2, 2],
  }),
  convCase(ClipqConv2DInt8, 'im2col, strided valid', [2, 15, 14, 5], [3, 2, 5, 9], {
    strides: [2, 2],
    pad: 'valid',
  }),
  convCase(ClipqConv2DInt8, 'pointwise', [2, 7, 6, 24], [1, 1, 24, 10]),
  convCase(ClipqConv2DInt8, 'pointwise, M ≤ 4', [1, 2, 2, 24], [1, 1, 24, 10]),
  convCase(ClipqConv2DInt8, 'x outside int8', [1, 6, 6, 4], [3, 3, 4, 6], { xCode: wide }),
  convCase(ClipqDepthwiseConv2DInt8, '3x3 fast path', [2, 9, 10, 12], [3, 3, 12, 1]),
  convCase(ClipqDepthwiseConv2DInt8, '5x5 strided', [1, 11, 9, 7], [5, 5, 7, 1], {
    strides: [2, 2],
  }),
  convCase(ClipqDepthwiseConv2DInt8, 'multiplier 2', [1, 6, 7, 5], [3, 3, 5, 2]),
  convCase(ClipqDepthwiseConv2DInt8, 'x outside int8', [1, 6, 6, 4], [3, 3, 4, 1], {
    xCode: wide,
  }),
];

describe('pinned weights on wasm: every kernel path runs from the pinned copy', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: bit-identical to the weight input (${c.path})`, () => {
      const random = seeded(900 + i);
      const weights = Int32Array.from({ length: size(c.weightShape) }, () => code(random));
      const { inputs, attrs } = c.build(random);
      const weightTensor = tensor(weights, c.weightShape, 'int32');
      const run = (named: Record<string, Tensor>, extra: Record<string, unknown>) =>
        engine().runKernel(
          c.kernelName,
          named as NamedTensorMap,
          { ...attrs, ...extra } as never,
        ) as Tensor;
      const expected = run({ ...inputs, [WEIGHT_INPUT[c.kernelName]]: weightTensor }, {});
      weightTensor.dispose();
      const key = pin(c.kernelName, weights, c.weightShape);
      resetClipqWasmKernelStats();
      const actual = run(inputs, { pinnedWeights: { key, shape: c.weightShape } });
      expect(clipqWasmKernelStats()[c.path][c.kernelName], `${c.path} path`).toBe(1);
      expect(actual.shape).toEqual(expected.shape);
      expect(actual.dtype).toBe(expected.dtype);
      expectSameBits(actual.dataSync(), expected.dataSync(), c.name);
      for (const t of [expected, actual, ...Object.values(inputs)]) t.dispose();
    });
  });
});

describe('the wasm cache pins, unpacks and releases', () => {
  const kinds: Array<[PinnableKernel, number[]]> = [
    [ClipqMatMulInt8, [13, 21]],
    [ClipqConv2DInt8, [3, 3, 3, 10]],
    [ClipqDepthwiseConv2DInt8, [3, 3, 20, 1]],
  ];
  for (const [kernelName, shape] of kinds) {
    it(`${kernelName} [${shape}]: unpack returns the codes; ~1 byte per code until release`, () => {
      const random = seeded(shape.length * 31 + shape[0]!);
      const codes = Int32Array.from({ length: size(shape) }, () => code(random));
      codes[0] = -128;
      codes[1] = 127;
      const before = cache.bytes();
      const key = pin(kernelName, codes, shape);
      const pinned = cache.bytes() - before;
      const [K, N] = [size(shape) / shape[shape.length - 1]!, shape[shape.length - 1]!];
      expect(pinned).toBeGreaterThanOrEqual(size(shape));
      expect(pinned).toBeLessThanOrEqual(Math.ceil(K / 4) * 4 * Math.ceil(N / 8) * 8);
      expect(Array.from(cache.unpack(key) ?? [])).toEqual(Array.from(codes));
      cache.release(key);
      expect(cache.bytes()).toBe(before);
      expect(cache.unpack(key)).toBeNull();
      cache.release(key); // idempotent
      expect(cache.bytes()).toBe(before);
    });
  }

  it('keeps a pinned entry through the codes dispose and a sweep of dead dataIds', () => {
    const random = seeded(5);
    const codes = Int32Array.from({ length: 64 * 32 }, () => code(random));
    const key = pin(ClipqMatMulInt8, codes, [64, 32]);
    const bytes = cache.bytes();
    // An unpinned matmul packs its B into the dataId-keyed cache, sweeping dead dataIds first.
    const a = codesTensor(random, [2, 8]);
    const b = codesTensor(random, [8, 8]);
    const one = tensor1d([1]);
    const zero = tensor1d([0], 'int32');
    const attrs = { aScale: 1, aZeroPoint: 0, transposeB: false, activation: 'linear' };
    const run = (bb: Tensor) =>
      engine().runKernel(ClipqMatMulInt8, { a, b: bb, bScale: one, bZeroPoint: zero }, {
        ...attrs,
        hasBias: false,
      } as never) as Tensor;
    run(b).dispose();
    b.dispose();
    const other = codesTensor(random, [8, 8]);
    run(other).dispose(); // sweeps b's panels
    expect(cache.bytes() - bytes).toBe(Math.ceil(8 / 4) * 4 * 8);
    expect(Array.from(cache.unpack(key)!)).toEqual(Array.from(codes));
    cache.release(other.dataId);
    for (const t of [a, other, one, zero]) t.dispose();
  });

  it('pinning sweeps packed copies of codes disposed without release (a fully pinned model never packs)', () => {
    const random = seeded(6);
    const a = codesTensor(random, [2, 16]);
    const b = codesTensor(random, [16, 24]);
    const one = tensor1d([1]);
    const zero = tensor1d([0], 'int32');
    const before = cache.bytes();
    const out = engine().runKernel(ClipqMatMulInt8, { a, b, bScale: one, bZeroPoint: zero }, {
      aScale: 1,
      aZeroPoint: 0,
      transposeB: false,
      activation: 'linear',
      hasBias: false,
    } as never) as Tensor;
    out.dispose();
    expect(cache.bytes() - before, 'b packed under its dataId').toBe(16 * 24);
    b.dispose(); // not through QuantizedTensor.dispose: the cache is not told
    pin(ClipqMatMulInt8, new Int32Array(8 * 8), [8, 8]);
    expect(cache.bytes() - before, 'only the pinned entry').toBe(8 * 8);
    for (const t of [a, one, zero]) t.dispose();
  });

  it('pins codes whose data lives on another backend (tfjs moves them to wasm)', async () => {
    await setBackend('cpu');
    const codes = Int32Array.from({ length: 12 * 9 }, (_, i) => (i % 255) - 127);
    const onCpu = tensor(codes, [12, 9], 'int32');
    await setBackend('wasm');
    const key = {};
    keys.push(key);
    expect(cache.pin(key, { kernelName: ClipqMatMulInt8, codes: onCpu })).toBe(true);
    onCpu.dispose();
    expect(Array.from(cache.unpack(key)!)).toEqual(Array.from(codes));
  });

  it('refuses codes outside int8 and keeps nothing', () => {
    const before = cache.bytes();
    const codes = tensor([1, 200, -3, 4], [2, 2], 'int32');
    const key = {};
    expect(cache.pin(key, { kernelName: ClipqMatMulInt8, codes })).toBe(false);
    expect(cache.bytes()).toBe(before);
    expect(cache.unpack(key)).toBeNull();
    codes.dispose();
  });

  it('throws a clear error for a key that is not pinned (released, or never pinned here)', () => {
    const random = seeded(11);
    const { inputs, attrs } = matMulCase(2, 8, 8).build(random);
    const key = pin(ClipqMatMulInt8, new Int32Array(64), [8, 8]);
    cache.release(key);
    for (const stale of [key, {}]) {
      expect(() =>
        engine().runKernel(
          ClipqMatMulInt8,
          inputs as NamedTensorMap,
          {
            ...attrs,
            pinnedWeights: { key: stale, shape: [8, 8] },
          } as never,
        ),
      ).toThrow(
        "ClipqMatMulInt8: pinned weights not found on backend 'wasm': released, or packed on another backend",
      );
    }
    for (const t of Object.values(inputs)) t.dispose();
  });

  it('throws for weights pinned in another kernel layout', () => {
    const key = pin(ClipqDepthwiseConv2DInt8, new Int32Array(9 * 4), [3, 3, 4, 1]);
    const random = seeded(12);
    const { inputs, attrs } = convCase(ClipqConv2DInt8, '', [1, 5, 5, 4], [3, 3, 4, 1]).build(
      random,
    );
    expect(() =>
      engine().runKernel(
        ClipqConv2DInt8,
        inputs as NamedTensorMap,
        {
          ...attrs,
          pinnedWeights: { key, shape: [3, 3, 4, 1] },
        } as never,
      ),
    ).toThrow(/packed for ClipqDepthwiseConv2DInt8/);
    for (const t of Object.values(inputs)) t.dispose();
  });
});
