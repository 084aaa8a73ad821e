import {
  ClipqDequantize,
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  ClipqQuantize,
  channelLayout,
  dequantizeImpl,
  fakeQuantGradImpl,
  fakeQuantImpl,
  quantizeImpl,
  quantParamsImpl,
  type RangeGradient,
  type Rounding,
} from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { firstMismatch, rng } from './helpers.js';
import './setup.js';

interface Case {
  shape: number[];
  axis: number | null;
  bits: number;
  narrowRange: boolean;
  rounding: Rounding;
  rangeGradient: RangeGradient;
  gradScale: number;
}

const f32 = Math.fround;

/** x with grid ties, range edges, out-of-range values, NaN and ±Infinity mixed into uniform noise. */
function inputs(c: Case, seed: number) {
  const r = rng(seed);
  const size = c.shape.reduce((a, b) => a * b, 1);
  const channels = c.axis === null ? 1 : c.shape[c.axis]!;
  const mins = new Float32Array(channels);
  const maxs = new Float32Array(channels);
  for (let ch = 0; ch < channels; ch++) {
    const kind = r();
    if (kind < 0.1) continue; // min = max = 0: the zero range
    if (kind < 0.2) {
      mins[ch] = f32(0.5 + r()); // excludes 0: nudged to [0, width]
      maxs[ch] = f32(mins[ch]! + 1 + r() * 3);
      continue;
    }
    mins[ch] = f32(-r() * 3);
    maxs[ch] = f32(r() * 3 + 0.01);
  }
  const layout = channelLayout(c.shape, c.axis !== null, c.axis ?? 0);
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const ch = Math.floor(i / layout.inner) % layout.channels;
    const p = quantParamsImpl(mins[ch]!, maxs[ch]!, c.bits, c.narrowRange);
    const u = r();
    if (u < 0.02) x[i] = Number.NaN;
    else if (u < 0.03) x[i] = r() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    else if (u < 0.15)
      x[i] = f32(p.nudgedMin + (Math.floor(r() * 8) + 0.5) * p.scale); // ties
    else if (u < 0.2) x[i] = r() < 0.5 ? p.nudgedMin : p.nudgedMax;
    else x[i] = f32((r() - 0.5) * 10);
  }
  const dy = Float32Array.from({ length: size }, () => f32(r() * 2 - 1));
  return { x, dy, mins, maxs, layout };
}

function attrsOf(c: Case) {
  return {
    bits: c.bits,
    narrowRange: c.narrowRange,
    perChannel: c.axis !== null,
    axis: c.axis ?? 0,
    rounding: c.rounding,
    rangeGradient: c.rangeGradient,
    gradScale: c.gradScale,
  };
}

const CASES: Case[] = [];
{
  const r = rng(77);
  const shapes: Array<[number[], number | null]> = [
    [[1000], null],
    [[37, 29], null],
    [[37, 29], 1],
    [[37, 29], 0],
    [[5, 7, 11], 1],
    [[4, 3, 2, 9], 3],
    [[16], 0],
  ];
  for (const [shape, axis] of shapes) {
    for (const bits of [2, 4, 8, 16]) {
      CASES.push({
        shape,
        axis,
        bits,
        narrowRange: r() < 0.4,
        rounding: r() < 0.5 ? 'half-up' : 'half-even',
        rangeGradient: r() < 0.7 ? 'full' : 'clip',
        gradScale: r() < 0.5 ? 1 : f32(r()),
      });
    }
  }
}

const label = (c: Case) =>
  `[${c.shape}] ${c.axis === null ? 'per-tensor' : `axis ${c.axis}`}, ${c.bits} bits${c.narrowRange ? ' narrow' : ''}, ${c.rounding}`;

describe('fused fake-quant kernels are bit-identical to core Impl', () => {
  for (const [index, c] of CASES.entries()) {
    it(`${label(c)}: forward, backward (${c.rangeGradient}, gradScale ${c.gradScale}), quantize, dequantize`, () => {
      const { x, dy, mins, maxs, layout } = inputs(c, 10 + index);
      const attrs = attrsOf(c);
      const rangeShape = c.axis === null ? [] : [mins.length];
      const xT = tensor(x, c.shape);
      const minT = tensor(mins, rangeShape);
      const maxT = tensor(maxs, rangeShape);
      const y = engine().runKernel(
        ClipqFakeQuant,
        { x: xT, min: minT, max: maxT },
        attrs as never,
      ) as Tensor;
      expect(
        firstMismatch(
          y.dataSync(),
          fakeQuantImpl(x, mins, maxs, layout, c.bits, c.narrowRange, c.rounding),
        ),
      ).toBe(-1);

      const [dx, dmin, dmax] = engine().runKernel(
        ClipqFakeQuantGrad,
        { dy: tensor(dy, c.shape), x: xT, min: minT, max: maxT },
        attrs as never,
      ) as Tensor[];
      const expected = fakeQuantGradImpl(
        dy,
        x,
        mins,
        maxs,
        layout,
        c.bits,
        c.narrowRange,
        c.rounding,
        c.rangeGradient,
        c.gradScale,
      );
      expect(firstMismatch(dx!.dataSync(), expected.dx)).toBe(-1);
      expect(dmin!.shape).toEqual(rangeShape);
      expect(firstMismatch(dmin!.dataSync(), expected.dmin)).toBe(-1);
      expect(firstMismatch(dmax!.dataSync(), expected.dmax)).toBe(-1);

      const codes = engine().runKernel(
        ClipqQuantize,
        { x: xT, min: minT, max: maxT },
        attrs as never,
      ) as Tensor;
      const quantized = quantizeImpl(x, mins, maxs, layout, c.bits, c.narrowRange, c.rounding);
      expect(codes.dtype).toBe('int32');
      expect(firstMismatch(codes.dataSync(), quantized.codes)).toBe(-1);

      const values = engine().runKernel(
        ClipqDequantize,
        {
          codes,
          scale: tensor1d(quantized.scale),
          zeroPoint: tensor1d(quantized.zeroPoint, 'int32'),
        },
        {
          bits: c.bits,
          narrowRange: c.narrowRange,
          perChannel: c.axis !== null,
          axis: c.axis ?? 0,
        } as never,
      ) as Tensor;
      const dequantized = dequantizeImpl(
        quantized.codes,
        quantized.scale,
        quantized.zeroPoint,
        layout,
        c.bits,
        c.narrowRange,
      );
      expect(firstMismatch(values.dataSync(), dequantized)).toBe(-1);
    });
  }

  it('rejects min/max whose length does not match the channel count', () => {
    const attrs = attrsOf({
      shape: [2, 3],
      axis: 1,
      bits: 8,
      narrowRange: false,
      rounding: 'half-up',
      rangeGradient: 'full',
      gradScale: 1,
    });
    const run = () =>
      engine().runKernel(
        ClipqFakeQuant,
        { x: tensor([1, 2, 3, 4, 5, 6], [2, 3]), min: tensor1d([-1, -1]), max: tensor1d([1, 1]) },
        attrs as never,
      );
    expect(run).toThrow(
      /ClipqFakeQuant: min\/max must have 3 entries for x of shape \[2,3\] along axis 1, got 2 and 2/,
    );
  });
});
