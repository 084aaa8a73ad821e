import {
  type FusedActivation,
  matMulInt8,
  matMulInt8AccImpl,
  matMulInt8Impl,
  QuantizedTensor,
} from '@clipq/core';
import { tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GEMV_MAX_ROWS, matMulInt8AccPacked, packWeights } from '../src/base.js';
import { edgeHeavyCodes, firstMismatch, rng } from './helpers.js';
import './setup.js';

interface Case {
  M: number;
  K: number;
  N: number;
  perChannel: boolean;
  transposeB: boolean;
  activation: FusedActivation;
  bias: boolean;
}

/** Naive Σ(a − za)(b − zb) in JS numbers, written independently of core's reference. */
function naiveAcc(
  a: Int32Array,
  b: Int32Array,
  c: Case,
  aZeroPoint: number,
  bZeroPoint: Int32Array,
): Float64Array {
  const acc = new Float64Array(c.M * c.N);
  for (let m = 0; m < c.M; m++) {
    for (let n = 0; n < c.N; n++) {
      const zb = bZeroPoint[bZeroPoint.length === 1 ? 0 : n]!;
      let s = 0;
      for (let k = 0; k < c.K; k++)
        s +=
          (a[m * c.K + k]! - aZeroPoint) *
          ((c.transposeB ? b[n * c.K + k]! : b[k * c.N + n]!) - zb);
      acc[m * c.N + n] = s;
    }
  }
  return acc;
}

function operands(c: Case, seed: number) {
  const r = rng(seed);
  const aCodes = edgeHeavyCodes(r, c.M * c.K);
  const bCodes = edgeHeavyCodes(r, c.K * c.N);
  const channels = c.perChannel ? c.N : 1;
  const aZeroPoint = -128 + Math.floor(r() * 256);
  const bZeroPoint = Int32Array.from({ length: channels }, () => -128 + Math.floor(r() * 256));
  const bScale = Float32Array.from({ length: channels }, () => Math.fround(1e-4 + r() * 0.01));
  const aScale = Math.fround(0.005 + r() * 0.05);
  const bias = c.bias
    ? Float32Array.from({ length: c.N }, () => Math.fround((r() - 0.5) * 50))
    : null;
  return { aCodes, bCodes, aZeroPoint, bZeroPoint, bScale, aScale, bias };
}

const CASES: Case[] = [];
{
  const r = rng(2024);
  const activations: FusedActivation[] = ['linear', 'relu', 'relu6'];
  // Around the GEMV/GEMM switch, the 4-row and 8-column tile edges, the 256-step depth block, deep K,
  // and the 128-row blocks.
  const shapes: Array<[number, number, number]> = [
    [1, 1, 1],
    [1, 4096, 13],
    [GEMV_MAX_ROWS, 777, 9],
    [GEMV_MAX_ROWS + 1, 257, 8],
    [6, 4096, 17],
    [7, 255, 15],
    [13, 1024, 33],
    [33, 513, 7],
    [64, 96, 40],
    // Several 128-row blocks, with one depth block (B unpacked once) and with several (per row block).
    [257, 64, 9],
    [133, 300, 20],
    // B's pairs above 4 MB: unpacked per row block and depth block instead of once.
    [130, 257, 4100],
  ];
  for (const [M, K, N] of shapes) {
    CASES.push({
      M,
      K,
      N,
      perChannel: r() < 0.5,
      transposeB: r() < 0.5,
      activation: activations[Math.floor(r() * 3)]!,
      bias: r() < 0.6,
    });
  }
}

describe('matMulInt8 accumulators (packed kernel) vs a naive integer reference', () => {
  for (const [index, c] of CASES.entries()) {
    it(`${c.M}x${c.K}x${c.N} ${c.perChannel ? 'per-channel' : 'per-tensor'} B${c.transposeB ? ' transposed' : ''}: identical sums`, () => {
      const o = operands(c, 100 + index);
      const weights = packWeights(o.bCodes, c.K, c.N, c.transposeB);
      const acc = matMulInt8AccPacked({
        a: o.aCodes,
        M: c.M,
        weights,
        aScale: o.aScale,
        aZeroPoint: o.aZeroPoint,
        bScale: o.bScale,
        bZeroPoint: o.bZeroPoint,
      });
      const expected = naiveAcc(o.aCodes, o.bCodes, c, o.aZeroPoint, o.bZeroPoint);
      expect(firstMismatch(acc, expected)).toBe(-1);
      // The sums leave float32's exact range at this depth, so equality is a real test of exactness.
      if (c.K >= 4096) expect(expected.some((v) => Math.abs(v) > 2 ** 24)).toBe(true);
    });
  }

  it('keeps every bit with all codes at the edges and K = 4096 (|acc| near 2^26)', () => {
    const c: Case = {
      M: 8,
      K: 4096,
      N: 16,
      perChannel: false,
      transposeB: false,
      activation: 'linear',
      bias: false,
    };
    const a = new Int32Array(c.M * c.K).fill(-128);
    // Columns 0..3 are 127 (= the zero point, so their sums are 0), the others −128.
    const b = Int32Array.from({ length: c.K * c.N }, (_, i) => (i % c.N < 4 ? 127 : -128));
    const weights = packWeights(b, c.K, c.N, false);
    const zb = Int32Array.of(127);
    const acc = matMulInt8AccPacked({
      a,
      M: c.M,
      weights,
      aScale: 1,
      aZeroPoint: 127,
      bScale: Float32Array.of(1),
      bZeroPoint: zb,
    });
    expect(firstMismatch(acc, naiveAcc(a, b, c, 127, zb))).toBe(-1);
    expect(Math.max(...acc.map(Math.abs))).toBe(4096 * 255 * 255);
  });
});

describe('ClipqMatMulInt8 on cpu through the op', () => {
  for (const [index, c] of CASES.entries()) {
    const label = `${c.M}x${c.K}x${c.N}, ${c.activation}${c.bias ? ' + bias' : ''}, zero points on both sides`;
    it(`${label}: bit-identical to matMulInt8Impl`, () => {
      const o = operands(c, 300 + index);
      const a = new QuantizedTensor(tensor(o.aCodes, [c.M, c.K], 'int32'), {
        scale: Float32Array.of(o.aScale),
        zeroPoint: Int32Array.of(o.aZeroPoint),
        axis: null,
        bits: 8,
        narrowRange: false,
      });
      const b = new QuantizedTensor(
        tensor(o.bCodes, c.transposeB ? [c.N, c.K] : [c.K, c.N], 'int32'),
        {
          scale: o.bScale,
          zeroPoint: o.bZeroPoint,
          axis: c.perChannel ? (c.transposeB ? 0 : 1) : null,
          bits: 8,
          narrowRange: false,
        },
      );
      const out = matMulInt8(a, b, {
        transposeB: c.transposeB,
        activation: c.activation,
        ...(o.bias ? { bias: o.bias } : {}),
      });
      const expected = matMulInt8Impl({
        a: o.aCodes,
        b: o.bCodes,
        M: c.M,
        K: c.K,
        N: c.N,
        transposeB: c.transposeB,
        aZeroPoint: o.aZeroPoint,
        bZeroPoint: o.bZeroPoint,
        aScale: o.aScale,
        bScale: o.bScale,
        bias: o.bias,
        activation: c.activation,
      });
      expect(out.shape).toEqual([c.M, c.N]);
      expect(firstMismatch(out.dataSync(), expected)).toBe(-1);
      // Sanity: core's reference accumulators agree with the independent naive one.
      const acc = matMulInt8AccImpl({
        a: o.aCodes,
        b: o.bCodes,
        M: c.M,
        K: c.K,
        N: c.N,
        transposeB: c.transposeB,
        aZeroPoint: o.aZeroPoint,
        bZeroPoint: o.bZeroPoint,
      });
      expect(firstMismatch(acc, naiveAcc(o.aCodes, o.bCodes, c, o.aZeroPoint, o.bZeroPoint))).toBe(
        -1,
      );
      out.dispose();
      a.dispose();
      b.dispose();
    });
  }
});
