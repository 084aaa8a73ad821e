import { fakeQuantConformanceCases, int8ConformanceCases } from '@clipq/core/testing';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats } from '../src/base.js';
import './setup.js';

// The one shared suite from core, run against this package's kernels on tfjs-wasm.
describe('fake-quant conformance on wasm (@clipq/backend-wasm kernels)', () => {
  for (const c of fakeQuantConformanceCases('wasm')) it(c.name, c.run);
});
describe('int8 conformance on wasm (@clipq/backend-wasm kernels)', () => {
  for (const c of int8ConformanceCases('wasm')) it(c.name, c.run);
  it("ran this package's SIMD kernels for every case, never the Impl fallback", () => {
    expect(clipqWasmKernelStats().impl).toEqual({});
    expect(Object.keys(clipqWasmKernelStats().simd).sort()).toEqual([
      'ClipqDequantize',
      'ClipqFakeQuant',
      'ClipqFakeQuantGrad',
      'ClipqMatMulInt8',
      'ClipqQuantize',
    ]);
  });
});
