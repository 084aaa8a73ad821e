/**
 * The shared int8 conformance suite: quantize/dequantize against the pure Impl and against fakeQuant,
 * and matMulInt8 bit-identical to the naive integer reference (`matMulInt8Impl`), including edge codes
 * −128/127, zero points on both sides, K up to 4096 (where a float32 accumulation would round), per-tensor
 * and per-channel B, transposeB, bias and fused activations. Every backend package runs it.
 */
import { type Tensor, tensor, tensor1d, transpose } from '@tensorflow/tfjs-core';
import { dequantizeImpl } from '../impl/dequantize_impl.js';
import { channelLayout } from '../impl/layout.js';
import { matMulInt8Impl } from '../impl/mat_mul_int8_impl.js';
import { codeRange, quantizeImpl } from '../impl/quantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqMatMulInt8, type FusedActivation } from '../kernel_names.js';
import { dequantize } from '../ops/dequantize.js';
import { fakeQuant } from '../ops/fake_quant.js';
import { matMulInt8 } from '../ops/mat_mul_int8.js';
import { quantize } from '../ops/quantize.js';
import { assertExact, rng } from './assert.js';
import { type ConformanceCase, caseOn } from './backend.js';
import { packedCopy } from './pinned.js';
import { assertRequantized, clippingRange } from './requantize.js';

/** Random codes in the grid, with the first and last entries forced to the edge codes. */
export function randomCodes(
  r: () => number,
  size: number,
  bits: number,
  narrowRange: boolean,
): Int32Array {
  const { codeMin, codeMax } = codeRange(bits, narrowRange);
  const codes = Int32Array.from(
    { length: size },
    () => codeMin + Math.floor(r() * (codeMax - codeMin + 1)),
  );
  if (size > 0) codes[0] = codeMin;
  if (size > 1) codes[size - 1] = codeMax;
  return codes;
}

export interface MatMulCase {
  M: number;
  K: number;
  N: number;
  perChannel: boolean;
  transposeB: boolean;
  activation: FusedActivation;
  bias: boolean;
  /** Every code at an edge (−128 or 127), the worst case for accumulation range. */
  edgeOnly?: boolean;
}

export const MATMUL_CASES: MatMulCase[] = [
  { M: 1, K: 7, N: 3, perChannel: false, transposeB: false, activation: 'linear', bias: false },
  { M: 3, K: 33, N: 5, perChannel: true, transposeB: false, activation: 'relu', bias: true },
  { M: 4, K: 64, N: 9, perChannel: true, transposeB: true, activation: 'relu6', bias: true },
  { M: 5, K: 129, N: 17, perChannel: false, transposeB: true, activation: 'linear', bias: true },
  { M: 17, K: 300, N: 31, perChannel: true, transposeB: false, activation: 'linear', bias: false },
  { M: 2, K: 4096, N: 6, perChannel: true, transposeB: false, activation: 'linear', bias: false },
  {
    M: 9,
    K: 4096,
    N: 4,
    perChannel: false,
    transposeB: true,
    activation: 'linear',
    bias: false,
    edgeOnly: true,
  },
  { M: 64, K: 96, N: 40, perChannel: true, transposeB: false, activation: 'relu', bias: true },
];

/** Builds the QuantizedTensors of one matmul case from a seed (deterministic on every backend). */
export function makeMatMulOperands(c: MatMulCase, seed: number) {
  const r = rng(seed);
  const aCodes = randomCodes(r, c.M * c.K, 8, false);
  const bCodes = randomCodes(r, c.K * c.N, 8, false);
  if (c.edgeOnly) {
    for (const codes of [aCodes, bCodes]) {
      for (let i = 0; i < codes.length; i++) codes[i] = r() < 0.5 ? -128 : 127;
    }
  }
  const aZeroPoint = c.edgeOnly ? 127 : -128 + Math.floor(r() * 256);
  const channels = c.perChannel ? c.N : 1;
  const bZeroPoint = Int32Array.from({ length: channels }, () =>
    c.edgeOnly ? -128 : -20 + Math.floor(r() * 41),
  );
  const bScale = Float32Array.from({ length: channels }, () => Math.fround(1e-3 + r() * 0.05));
  const aScale = Math.fround(0.01 + r() * 0.1);
  const bias = c.bias
    ? Float32Array.from({ length: c.N }, () => Math.fround((r() - 0.5) * 4))
    : null;
  const a = new QuantizedTensor(tensor(aCodes, [c.M, c.K], 'int32'), {
    scale: Float32Array.of(aScale),
    zeroPoint: Int32Array.of(aZeroPoint),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
  const bShape = c.transposeB ? [c.N, c.K] : [c.K, c.N];
  const b = new QuantizedTensor(tensor(bCodes, bShape, 'int32'), {
    scale: bScale,
    zeroPoint: bZeroPoint,
    axis: c.perChannel ? (c.transposeB ? 0 : 1) : null,
    bits: 8,
    narrowRange: false,
  });
  const expected = matMulInt8Impl({
    a: aCodes,
    b: bCodes,
    M: c.M,
    K: c.K,
    N: c.N,
    transposeB: c.transposeB,
    aZeroPoint,
    bZeroPoint,
    aScale,
    bScale,
    bias,
    activation: c.activation,
  });
  return { a, b, bias, expected };
}

function describeCase(c: MatMulCase): string {
  const parts = [
    `${c.M}x${c.K}x${c.N}`,
    c.perChannel ? 'per-channel B' : 'per-tensor B',
    c.activation,
  ];
  if (c.transposeB) parts.push('transposeB');
  if (c.bias) parts.push('bias');
  if (c.edgeOnly) parts.push('edge codes only');
  return parts.join(', ');
}

function quantizeCases(backend: string, count: number): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (let seed = 1; seed <= count; seed++) {
    cases.push(
      caseOn(backend, `quantize/dequantize vs Impl and fakeQuant: seed ${seed}`, () => {
        const r = rng(1000 + seed);
        const bits = 2 + Math.floor(r() * 15);
        const symmetric = r() < 0.4;
        const narrowRange = symmetric || r() < 0.3;
        const shape = [2 + Math.floor(r() * 5), 1 + Math.floor(r() * 7)];
        const axis = r() < 0.5 ? Math.floor(r() * 2) : undefined;
        const channels = axis === undefined ? 1 : shape[axis]!;
        let mins = Array.from({ length: channels }, () => -Math.fround(r() * 5));
        let maxs = mins.map(() => Math.fround(0.05 + r() * 5));
        const x = Float32Array.from({ length: shape[0]! * shape[1]! }, () => (r() - 0.5) * 14);
        const q = quantize(
          tensor(x, shape),
          axis === undefined ? mins[0]! : tensor1d(mins),
          axis === undefined ? maxs[0]! : tensor1d(maxs),
          { bits, narrowRange, symmetric, ...(axis === undefined ? {} : { axis }) },
        );
        if (symmetric) {
          maxs = maxs.map((hi, c) => Math.max(hi, -mins[c]!));
          mins = maxs.map((m) => -m);
        }
        const layout = channelLayout(shape, axis !== undefined, axis ?? 0);
        const expected = quantizeImpl(x, mins, maxs, layout, bits, narrowRange);
        assertExact(q.codes.dataSync(), expected.codes, `seed ${seed} codes`);
        assertExact(q.scale, expected.scale, `seed ${seed} scale`);
        assertExact(q.zeroPoint, expected.zeroPoint, `seed ${seed} zeroPoint`);
        const y = dequantize(q).dataSync();
        assertExact(
          y,
          dequantizeImpl(
            expected.codes,
            expected.scale,
            expected.zeroPoint,
            layout,
            bits,
            narrowRange,
          ),
          `seed ${seed} dequantize`,
        );
        const options = { bits, narrowRange, ...(axis === undefined ? {} : { axis }) };
        const fq = fakeQuant(
          tensor(x, shape),
          axis === undefined ? mins[0]! : tensor1d(mins),
          axis === undefined ? maxs[0]! : tensor1d(maxs),
          options,
        );
        assertExact(y, fq.dataSync(), `seed ${seed} dequantize(quantize(x)) vs fakeQuant(x)`);
        q.dispose();
      }),
    );
  }
  return cases;
}

function expectThrow(body: () => unknown, pattern: RegExp, what: string): void {
  try {
    body();
  } catch (error) {
    const message = (error as Error).message;
    if (!pattern.test(message)) throw new Error(`${what}: threw "${message}", expected ${pattern}`);
    return;
  }
  throw new Error(`${what}: did not throw`);
}

function errorCases(backend: string): ConformanceCase[] {
  return [
    caseOn(backend, 'matMulInt8 errors: mismatched K, per-channel a, disposed operands', () => {
      const { a, b } = makeMatMulOperands(MATMUL_CASES[1]!, 7);
      const other = makeMatMulOperands({ ...MATMUL_CASES[1]!, K: 34 }, 8);
      expectThrow(
        () => matMulInt8(a, other.b),
        /matMulInt8: inner dimensions differ/,
        'mismatched K',
      );
      const perChannelA = new QuantizedTensor(a.codes.clone(), {
        scale: new Float32Array(a.shape[0]!).fill(0.1),
        zeroPoint: new Int32Array(a.shape[0]!),
        axis: 0,
        bits: 8,
        narrowRange: false,
      });
      expectThrow(
        () => matMulInt8(perChannelA, b),
        /matMulInt8: a must be quantized per tensor/,
        'per-channel a',
      );
      b.dispose();
      expectThrow(() => matMulInt8(a, b), /disposed/, 'disposed b');
      for (const t of [a, other.a, other.b, perChannelA]) t.dispose();
    }),
    caseOn(backend, 'QuantizedTensor.fromCodes errors: codes outside bits, non-int32 codes', () => {
      const spec = {
        scale: Float32Array.of(1),
        zeroPoint: Int32Array.of(0),
        axis: null,
        bits: 4,
        narrowRange: false,
      };
      expectThrow(
        () => QuantizedTensor.fromCodes(tensor([1, 9], [2], 'int32'), spec),
        /code 9 at flat index 1 is outside \[-8, 7\]/,
        'code range',
      );
      expectThrow(
        () => QuantizedTensor.fromCodes(tensor([1, 2], [2], 'float32'), spec),
        /codes must be an int32 tensor, got dtype float32/,
        'dtype',
      );
    }),
  ];
}

/** A [N,K] B as [K,N], its channel axis (if any) moved along. */
function transposedWeights(b: QuantizedTensor): QuantizedTensor {
  return new QuantizedTensor(transpose(b.codes), { ...b, axis: b.axis === null ? null : 1 });
}

/** Every int8 conformance case, to be run on `backendName`. */
export function int8ConformanceCases(
  backendName: string,
  options: { randomCases?: number } = {},
): ConformanceCase[] {
  const cases = quantizeCases(backendName, options.randomCases ?? 12);
  MATMUL_CASES.forEach((c, i) => {
    cases.push(
      caseOn(backendName, `matMulInt8 exact vs integer reference: ${describeCase(c)}`, () => {
        const { a, b, bias, expected } = makeMatMulOperands(c, 100 + i);
        const options = {
          activation: c.activation,
          transposeB: c.transposeB,
          ...(bias ? { bias } : {}),
        };
        const out: Tensor = matMulInt8(a, b, options);
        assertExact(out.dataSync(), expected, describeCase(c));
        // A second call must hit any packed-weight cache and give the same result.
        assertExact(
          matMulInt8(a, b, options).dataSync(),
          expected,
          `${describeCase(c)} (cached B)`,
        );
        // Fused requantization to the next layer's codes (outputRange → the kernel's `requantize`).
        const range = clippingRange(expected, i);
        const q = matMulInt8(a, b, { ...options, outputRange: range });
        assertRequantized(q, expected, range, `${describeCase(c)} requantized`);
        q.dispose();
        // Pinned weights (QuantizedTensor.pack): B only in the backend's packed cache; the kernels read
        // [K,N], so a transposed B is repacked untransposed.
        const kn = c.transposeB ? transposedWeights(b) : b;
        const pinned = packedCopy(kn, ClipqMatMulInt8);
        const pinnedOptions = { ...options, transposeB: false };
        const what = `${describeCase(c)} pinned`;
        assertExact(matMulInt8(a, pinned.weights, pinnedOptions).dataSync(), expected, what);
        const qp = matMulInt8(a, pinned.weights, { ...pinnedOptions, outputRange: range });
        assertRequantized(qp, expected, range, `${what} requantized`);
        qp.dispose();
        pinned.assertStillPacked(what);
        pinned.finish(what);
        if (kn !== b) kn.dispose();
        a.dispose();
        b.dispose();
      }),
    );
  });
  cases.push(...errorCases(backendName));
  return cases;
}
