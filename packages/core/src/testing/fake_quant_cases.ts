/**
 * The shared fake-quant conformance suite. Every backend package runs it; cases are data-driven from
 * `data/fake-quant.json` (TF-exact vectors) plus per-channel cases stacked from those vectors and a
 * seeded random sweep checked against the pure Impl.
 */
import { grads, stack, type Tensor, tensor, tensor1d, transpose } from '@tensorflow/tfjs-core';
import { fakeQuantGradImpl } from '../impl/fake_quant_grad_impl.js';
import { fakeQuantImpl } from '../impl/fake_quant_impl.js';
import { channelLayout } from '../impl/layout.js';
import type { RangeGradient, Rounding } from '../kernel_names.js';
import { type FakeQuantOptions, fakeQuant } from '../ops/fake_quant.js';
import { quantParams } from '../ops/quant_params.js';
import { assertClose, rng } from './assert.js';
import { type ConformanceCase, caseOn } from './backend.js';
import vectors from './data/fake-quant.json' with { type: 'json' };

interface GradExpectation {
  dx: number[];
  dmin: number;
  dmax: number;
}

function gradOf(x: Tensor, min: Tensor, max: Tensor, dy: Tensor, options: FakeQuantOptions) {
  const [dx, dmin, dmax] = grads((a: Tensor, lo: Tensor, hi: Tensor) =>
    fakeQuant(a, lo, hi, options),
  )([x, min, max], dy) as [Tensor, Tensor, Tensor];
  return { dx: dx.dataSync(), dmin: dmin.dataSync(), dmax: dmax.dataSync() };
}

function checkGrad(
  backend: string,
  id: string,
  c: { min: number; max: number; bits: number; narrowRange: boolean; x: number[]; dy: number[] },
  mode: RangeGradient,
  expected: GradExpectation,
): ConformanceCase {
  return caseOn(backend, `gradient ${mode}: ${id}`, () => {
    const options = { bits: c.bits, narrowRange: c.narrowRange, rangeGradient: mode };
    const g = gradOf(tensor1d(c.x), tensor(c.min), tensor(c.max), tensor1d(c.dy), options);
    assertClose(g.dx, expected.dx, `${id} dx`);
    assertClose(g.dmin, [expected.dmin], `${id} dmin`);
    assertClose(g.dmax, [expected.dmax], `${id} dmax`);
  });
}

/** Per-channel: stack same-length vector cases as channels along `axis` of a [6, C] or [C, 6] tensor. */
function perChannelCases(backend: string): ConformanceCase[] {
  const forward = vectors.forward.filter((c) => c.x.length === 6);
  const cases: ConformanceCase[] = [];
  for (const narrowRange of [false, true]) {
    const group = forward.filter((c) => c.narrowRange === narrowRange && c.bits === 8);
    for (const axis of [0, 1, -1]) {
      cases.push(
        caseOn(
          backend,
          `forward per-channel: ${group.length} channels, narrow=${narrowRange}, axis ${axis}`,
          () => {
            const channelAxis = axis === 0 ? 0 : 1;
            const x = stack(
              group.map((c) => tensor1d(c.x)),
              channelAxis,
            );
            const expected = stack(
              group.map((c) => tensor1d(c.expected)),
              channelAxis,
            );
            const y = fakeQuant(
              x,
              group.map((c) => c.min),
              group.map((c) => c.max),
              { narrowRange, axis },
            );
            assertClose(y.dataSync(), expected.dataSync(), 'per-channel forward');
          },
        ),
      );
    }
  }
  // Gradients per channel: channel c is a vector case scaled by a power of two, which scales every
  // float32 result exactly (x, dy, min and max by s: y, dx, dmin and dmax by s as well).
  const scales = [1, 2, 0.5];
  for (const c of vectors.gradient) {
    for (const mode of ['clip', 'full'] as const) {
      cases.push(
        caseOn(
          backend,
          `gradient ${mode} per-channel: ${c.id} at scales ${scales}, rank 3, axis 1`,
          () => {
            // [2, C, 3]: channel j holds the case's 6 values, scaled, split over axes 0 and 2.
            const lay = (values: number[]) =>
              transpose(
                tensor(
                  scales.map((s) =>
                    [values.slice(0, 3), values.slice(3)].map((h) => h.map((v) => v * s)),
                  ),
                ),
                [1, 0, 2],
              );
            const expected = mode === 'clip' ? c.expectedClip : c.expectedFull;
            const g = gradOf(
              lay(c.x),
              tensor1d(scales.map((s) => c.min * s)),
              tensor1d(scales.map((s) => c.max * s)),
              lay(c.dy),
              { bits: c.bits, narrowRange: c.narrowRange, rangeGradient: mode, axis: 1 },
            );
            assertClose(g.dx, lay(expected.dx).dataSync(), `${c.id} per-channel dx`);
            assertClose(
              g.dmin,
              scales.map((s) => expected.dmin * s),
              `${c.id} per-channel dmin`,
            );
            assertClose(
              g.dmax,
              scales.map((s) => expected.dmax * s),
              `${c.id} per-channel dmax`,
            );
          },
        ),
      );
    }
  }
  return cases;
}

/** Seeded random inputs (bits 2..16, ranges, narrow on/off, per-channel) against the pure Impl. */
function randomCases(backend: string, count: number): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (let seed = 1; seed <= count; seed++) {
    cases.push(
      caseOn(backend, `random vs Impl: seed ${seed}`, () => {
        const r = rng(seed);
        const bits = 2 + Math.floor(r() * 15);
        const narrowRange = r() < 0.5;
        const rounding: Rounding = r() < 0.75 ? 'half-up' : 'half-even';
        const rangeGradient: RangeGradient = r() < 0.5 ? 'full' : 'clip';
        const perChannel = r() < 0.5;
        const shape = [1 + Math.floor(r() * 4), 1 + Math.floor(r() * 5), 1 + Math.floor(r() * 6)];
        const axis = perChannel ? Math.floor(r() * 3) : undefined;
        const channels = axis === undefined ? 1 : shape[axis]!;
        const mins: number[] = [];
        const maxs: number[] = [];
        for (let c = 0; c < channels; c++) {
          const lo = -Math.fround(r() * 8);
          mins.push(lo);
          maxs.push(Math.fround(lo + 0.01 + r() * 12));
        }
        const size = shape[0]! * shape[1]! * shape[2]!;
        const x = Float32Array.from({ length: size }, () => (r() - 0.5) * 30);
        const dy = Float32Array.from({ length: size }, () => r() - 0.5);
        const options: FakeQuantOptions = {
          bits,
          narrowRange,
          rounding,
          rangeGradient,
          gradScale: 0.5,
        };
        if (axis !== undefined) options.axis = axis;
        const min = axis === undefined ? tensor(mins[0]!) : tensor1d(mins);
        const max = axis === undefined ? tensor(maxs[0]!) : tensor1d(maxs);
        const xT = tensor(x, shape);
        const layout = channelLayout(shape, axis !== undefined, axis ?? 0);
        const expectedY = fakeQuantImpl(x, mins, maxs, layout, bits, narrowRange, rounding);
        assertClose(fakeQuant(xT, min, max, options).dataSync(), expectedY, `seed ${seed} forward`);
        const expected = fakeQuantGradImpl(
          dy,
          x,
          mins,
          maxs,
          layout,
          bits,
          narrowRange,
          rounding,
          rangeGradient,
          0.5,
        );
        const g = gradOf(xT, min, max, tensor(dy, shape), options);
        assertClose(g.dx, expected.dx, `seed ${seed} dx`);
        const sumTolerance = { absolute: 1e-4, relative: 1e-4 };
        assertClose(g.dmin, expected.dmin, `seed ${seed} dmin`, sumTolerance);
        assertClose(g.dmax, expected.dmax, `seed ${seed} dmax`, sumTolerance);
      }),
    );
  }
  return cases;
}

/** Every fake-quant conformance case, to be run on `backendName`. */
export function fakeQuantConformanceCases(
  backendName: string,
  options: { randomCases?: number } = {},
): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const c of vectors.nudge) {
    cases.push(
      caseOn(
        backendName,
        `nudge: ${c.id} [${c.min}, ${c.max}] bits=${c.bits} narrow=${c.narrowRange}`,
        () => {
          const p = quantParams(c.min, c.max, { bits: c.bits, narrowRange: c.narrowRange });
          assertClose(
            [p.scale, p.nudgedMin, p.nudgedMax],
            [c.expected.scale, c.expected.nudgedMin, c.expected.nudgedMax],
            c.id,
          );
          if (p.zeroPoint !== c.expected.zeroPoint) {
            throw new Error(`${c.id}: zeroPoint ${p.zeroPoint}, expected ${c.expected.zeroPoint}`);
          }
          // The op must reproduce the nudged endpoints exactly.
          const y = fakeQuant(tensor1d([c.min - 1e3, 0, c.max + 1e3]), c.min, c.max, {
            bits: c.bits,
            narrowRange: c.narrowRange,
          });
          assertClose(
            y.dataSync(),
            [c.expected.nudgedMin, 0, c.expected.nudgedMax],
            `${c.id} endpoints`,
          );
        },
      ),
    );
  }
  for (const c of vectors.forward) {
    cases.push(
      caseOn(
        backendName,
        `forward: ${c.id} [${c.min}, ${c.max}] bits=${c.bits} narrow=${c.narrowRange}`,
        () => {
          const y = fakeQuant(tensor1d(c.x), c.min, c.max, {
            bits: c.bits,
            narrowRange: c.narrowRange,
          });
          assertClose(y.dataSync(), c.expected, c.id);
        },
      ),
    );
  }
  for (const c of vectors.generator11) {
    cases.push(
      caseOn(
        backendName,
        `11-point forward: ${c.id} [${c.min}, ${c.max}] narrow=${c.narrowRange}`,
        () => {
          const y = fakeQuant(tensor1d(c.x), c.min, c.max, {
            bits: c.bits,
            narrowRange: c.narrowRange,
          });
          assertClose(y.dataSync(), c.expected, c.id);
        },
      ),
    );
    cases.push(checkGrad(backendName, `11-point ${c.id}`, c, 'clip', c.expectedClipGrad));
    cases.push(
      caseOn(backendName, `gradient full: 11-point ${c.id} (vs Impl)`, () => {
        const layout = channelLayout([c.x.length], false, 0);
        const e = fakeQuantGradImpl(
          Float32Array.from(c.dy),
          Float32Array.from(c.x),
          [c.min],
          [c.max],
          layout,
          c.bits,
          c.narrowRange,
          'half-up',
          'full',
        );
        const g = gradOf(tensor1d(c.x), tensor(c.min), tensor(c.max), tensor1d(c.dy), {
          bits: c.bits,
          narrowRange: c.narrowRange,
        });
        assertClose(g.dx, e.dx, `${c.id} dx`);
        assertClose(g.dmin, e.dmin, `${c.id} dmin`);
        assertClose(g.dmax, e.dmax, `${c.id} dmax`);
      }),
    );
  }
  for (const c of vectors.gradient) {
    cases.push(checkGrad(backendName, c.id, c, 'clip', c.expectedClip));
    cases.push(checkGrad(backendName, c.id, c, 'full', c.expectedFull));
  }
  cases.push(...perChannelCases(backendName));
  cases.push(...randomCases(backendName, options.randomCases ?? 24));
  return cases;
}
