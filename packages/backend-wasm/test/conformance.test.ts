import {
  convInt8ConformanceCases,
  fakeQuantConformanceCases,
  int8ConformanceCases,
} from '@clipq/core/testing';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats } from '../src/base.js';
import './setup.js';

// The one shared suite from core, run against this package's kernels on tfjs-wasm.
describe('fake-quant conformance on wasm (@clipq/backend-wasm kernels)', () => {
  for (const c of fakeQuantConformanceCases('wasm')) it(c.name, c.run);
});
describe('int8 conformance on wasm (@clipq/backend-wasm kernels)', () => {
  for (const c of int8ConformanceCases('wasm')) it(c.name, c.run);
  for (const c of convInt8ConformanceCases('wasm')) it(c.name, c.run);
  it("ran this package's SIMD kernels (the Impl only for depthwise channel multipliers > 1)", () => {
    console.info('kernel calls in the conformance suite:', JSON.stringify(clipqWasmKernelStats()));
    expect(Object.keys(clipqWasmKernelStats().impl)).toEqual(
      Object.keys(clipqWasmKernelStats().impl).length ? ['ClipqDepthwiseConv2DInt8'] : [],
    );
    expect(Object.keys(clipqWasmKernelStats().simd).sort()).toEqual([
      'ClipqConv2DInt8',
      'ClipqDepthwiseConv2DInt8',
      'ClipqDequantize',
      'ClipqFakeQuant',
      'ClipqFakeQuantGrad',
      'ClipqMatMulInt8',
      'ClipqQuantize',
    ]);
  });
});
