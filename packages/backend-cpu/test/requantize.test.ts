/**
 * The fused requantizing epilogue against core's `requantizeCodeImpl` on edge values (grid ties, range
 * edges, ±0, ±Infinity; no bias, a finite bias (the fast loops) and a bias with NaN and ±Infinity (the
 * reference path)), for every activation, 5 and 8 bits, a zero range and hand-made ranges that do not
 * contain 0 (where the activation cannot be folded into the clamp).
 */
import {
  type FusedActivation,
  type RequantizeAttrs,
  requantizeAttrs,
  requantizeCodeImpl,
} from '@clipq/core';
import { describe, expect, it } from 'vitest';
import { requantizeBlock, requantizer } from '../src/int8/requantize.js';
import { firstMismatch, rng } from './helpers.js';

const f32 = Math.fround;
const N = 7;

function activate(v: number, activation: FusedActivation): number {
  if (activation === 'relu') return Math.max(v, 0);
  if (activation === 'relu6') return Math.min(Math.max(v, 0), 6);
  return v;
}

function values(r: RequantizeAttrs, seed: number): Float32Array {
  const random = rng(seed);
  // Accumulators are integer sums, so never NaN; NaN reaches the epilogue only through a bias (below).
  const special = [0, -0, Infinity, -Infinity, 6, -6, r.nudgedMin, r.nudgedMax];
  const out = new Float32Array(N * 40);
  for (let i = 0; i < out.length; i++) {
    const u = random();
    if (u < 0.2) out[i] = special[i % special.length]!;
    // Exact grid ties: nudgedMin + (j + 0.5)·scale.
    else if (u < 0.5) out[i] = r.nudgedMin + (Math.floor(random() * 300) - 20 + 0.5) * r.scale;
    else out[i] = (random() - 0.5) * 4 * (r.nudgedMax - r.nudgedMin + 1);
  }
  return out;
}

const ranges: Array<[string, RequantizeAttrs]> = [
  ['8-bit [-1.3, 2.1]', requantizeAttrs(-1.3, 2.1, 8)],
  ['8-bit [0, 255] (scale 1, ties)', requantizeAttrs(0, 255, 8)],
  ['5-bit [-0.4, 9]', requantizeAttrs(-0.4, 9, 5)],
  ['8-bit [-7, -0.5] (nudged to include 0)', requantizeAttrs(-7, -0.5, 8)],
  ['zero range', requantizeAttrs(0, 0, 8)],
  [
    'hand-made range above 0 (no fold)',
    {
      nudgedMin: f32(0.5),
      nudgedMax: f32(3),
      scale: f32(2.5 / 255),
      codeMin: -128,
      zeroCode: -128,
    },
  ],
  [
    'hand-made range below 0 (no fold)',
    { nudgedMin: f32(-3), nudgedMax: f32(-1), scale: f32(2 / 255), codeMin: -128, zeroCode: 127 },
  ],
];

describe('requantizeBlock (fused requantization) vs requantizeCodeImpl', () => {
  for (const [name, r] of ranges) {
    for (const activation of ['linear', 'relu', 'relu6'] as FusedActivation[]) {
      for (const biasKind of ['no bias', 'finite bias', 'bias with NaN and ±Infinity']) {
        it(`${name}, ${activation}, ${biasKind}`, () => {
          const scaled = values(r, name.length * 31 + activation.length);
          const bias =
            biasKind === 'no bias'
              ? null
              : biasKind === 'finite bias'
                ? Float32Array.of(0.25, -1.5, 0.125, 0, -0, 2.5, 3.75)
                : Float32Array.of(0.25, -1.5, NaN, 0, -0, Infinity, 3.75);
          const expected = Int32Array.from(scaled, (v, i) =>
            requantizeCodeImpl(activate(bias ? f32(v + bias[i % N]!) : v, activation), r),
          );
          // Rows with a stride past N, written at an offset, as the kernels' row blocks are; the
          // multipliers are 1, so f32(f32(acc)·1) is the value itself.
          const rows = scaled.length / N;
          const stride = N + 3;
          const raw = new Float64Array(rows * stride);
          for (let i = 0; i < rows; i++) raw.set(scaled.subarray(i * N, (i + 1) * N), i * stride);
          const codes = new Int32Array(scaled.length + 5);
          const q = requantizer(r, activation, new Float32Array(N).fill(1), bias);
          requantizeBlock(q, raw, rows, stride, null, 0, codes, 5);
          const actual = codes.subarray(5);
          const at = firstMismatch(actual, expected);
          expect(at, `first mismatch at ${at}: value ${scaled[at]}`).toBe(-1);
        });
      }
    }
  }
});
