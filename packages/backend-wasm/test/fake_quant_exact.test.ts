import {
  ClipqDequantize,
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  ClipqQuantize,
  channelLayout,
  dequantizeImpl,
  type FakeQuantCommonAttrs,
  fakeQuantGradImpl,
  fakeQuantImpl,
  quantizeImpl,
} from '@clipq/core';
import { engine, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { expectSameBits, expectSameInts, seeded } from './bits.js';
import './setup.js';

// Bit-exactness of the SIMD kernels against core's Impl, on inputs chosen to hit every code path:
// vector bodies and scalar tails, channels-last (4 channels per vector) and strided channels, NaN,
// ±0, ±Infinity, values exactly on grid ties, degenerate ranges, half-even rounding, 2..16 bits.

interface Layout {
  shape: number[];
  perChannel: boolean;
  axis: number;
}

const LAYOUTS: Layout[] = [
  { shape: [37], perChannel: false, axis: 0 },
  { shape: [6, 7], perChannel: true, axis: 1 }, // channels last, 7 = one vector + 3 scalar channels
  { shape: [5, 8], perChannel: true, axis: 1 },
  { shape: [3, 5, 2], perChannel: true, axis: 1 }, // inner = 2: scalar runs
  { shape: [3, 6, 9], perChannel: true, axis: 1 }, // inner = 9: vector body + tail
  { shape: [4, 3], perChannel: true, axis: 0 }, // inner = 3
];

function special(r: () => number, size: number, scale: number): Float32Array {
  const values = Float32Array.from({ length: size }, () => (r() - 0.5) * scale);
  const extras = [
    Number.NaN,
    0,
    -0,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0.5,
    -0.5,
    1e-30,
  ];
  for (let i = 0; i < size; i += 5) values[i] = extras[(i / 5) % extras.length]!;
  return values;
}

function ranges(r: () => number, channels: number): { mins: Float32Array; maxs: Float32Array } {
  const mins = Float32Array.from({ length: channels }, (_, c) => (c === 1 ? 0 : -r() * 3));
  const maxs = Float32Array.from({ length: channels }, (_, c) =>
    c === 1 ? 0 : r() * 3 + (c === 2 ? -1 : 0.1),
  );
  if (channels > 2) mins[2] = 0.5; // a range that excludes 0, shifted by the nudge
  return { mins, maxs };
}

function run(name: string, inputs: Record<string, Tensor>, attrs: object): Tensor[] {
  const out = engine().runKernel(name, inputs, attrs as Record<string, never>);
  return Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
}

describe('SIMD fake-quant kernels are bit-identical to core Impl', () => {
  let seed = 1;
  for (const layout of LAYOUTS) {
    for (const [bits, narrowRange, rounding] of [
      [8, false, 'half-up'],
      [8, true, 'half-even'],
      [4, false, 'half-even'],
      [16, false, 'half-up'],
      [2, true, 'half-up'],
    ] as const) {
      const label = `[${layout.shape}] ${layout.perChannel ? `axis ${layout.axis}` : 'per tensor'}, ${bits} bits, narrow=${narrowRange}, ${rounding}`;
      const caseSeed = seed++;
      it(label, () => {
        resetClipqWasmKernelStats();
        tidy(() => {
          const r = seeded(caseSeed);
          const size = layout.shape.reduce((a, b) => a * b, 1);
          const channels = layout.perChannel ? layout.shape[layout.axis]! : 1;
          const x = special(r, size, 8);
          const dy = special(r, size, 2);
          const { mins, maxs } = ranges(r, channels);
          const attrs: FakeQuantCommonAttrs = {
            bits,
            narrowRange,
            perChannel: layout.perChannel,
            axis: layout.axis,
            rounding,
          };
          const grid = channelLayout(layout.shape, layout.perChannel, layout.axis);
          const rangeShape = layout.perChannel ? [channels] : [];
          const inputs = {
            x: tensor(x, layout.shape),
            min: tensor(mins, rangeShape),
            max: tensor(maxs, rangeShape),
          };

          const [y] = run(ClipqFakeQuant, inputs, {
            ...attrs,
            rangeGradient: 'full',
            gradScale: 1,
          });
          expectSameBits(
            y!.dataSync(),
            fakeQuantImpl(x, mins, maxs, grid, bits, narrowRange, rounding),
            'fakeQuant',
          );

          for (const rangeGradient of ['full', 'clip'] as const) {
            const gradScale = rangeGradient === 'full' ? 1 : 0.25;
            const [dx, dmin, dmax] = run(
              ClipqFakeQuantGrad,
              { ...inputs, dy: tensor(dy, layout.shape) },
              { ...attrs, rangeGradient, gradScale },
            );
            const expected = fakeQuantGradImpl(
              dy,
              x,
              mins,
              maxs,
              grid,
              bits,
              narrowRange,
              rounding,
              rangeGradient,
              gradScale,
            );
            expectSameBits(dx!.dataSync(), expected.dx, `dx ${rangeGradient}`);
            expectSameBits(dmin!.dataSync(), expected.dmin, `dmin ${rangeGradient}`);
            expectSameBits(dmax!.dataSync(), expected.dmax, `dmax ${rangeGradient}`);
          }

          const [codes] = run(ClipqQuantize, inputs, attrs);
          const quantized = quantizeImpl(x, mins, maxs, grid, bits, narrowRange, rounding);
          expectSameInts(codes!.dataSync(), quantized.codes, 'quantize');

          const [deq] = run(
            ClipqDequantize,
            {
              codes: tensor(quantized.codes, layout.shape, 'int32'),
              scale: tensor(quantized.scale, rangeShape),
              zeroPoint: tensor(quantized.zeroPoint, rangeShape, 'int32'),
            },
            { bits, narrowRange, perChannel: layout.perChannel, axis: layout.axis },
          );
          const dequantized = dequantizeImpl(
            quantized.codes,
            quantized.scale,
            quantized.zeroPoint,
            grid,
            bits,
            narrowRange,
          );
          expectSameBits(deq!.dataSync(), dequantized, 'dequantize');
        });
        expect(clipqWasmKernelStats().impl, 'no call fell back to the Impl').toEqual({});
      });
    }
  }
});
