import {
  convInt8ConformanceCases,
  fakeQuantConformanceCases,
  int8ConformanceCases,
} from '@clipq/core/testing';
import { backend } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, setClipqWasmCopyMode } from '../src/base.js';
import { heapFor, type WasmBackendLike } from '../src/heap/heap.js';
import './setup.js';

// The fallback for a missing or shared tfjs-wasm memory (the threaded build): clipq.wasm gets its own
// memory and inputs/outputs are copied. Forced here, before this fork creates its first heap.
setClipqWasmCopyMode(true);

describe('copy mode (module-owned memory)', () => {
  it('is in use for this backend', () => {
    const heap = heapFor(backend() as unknown as WasmBackendLike);
    expect(heap?.zeroCopy).toBe(false);
    expect(heap?.memory).not.toBe(
      (backend() as unknown as { wasm: { asm: { memory: unknown } } }).wasm.asm.memory,
    );
  });
  for (const c of [
    ...fakeQuantConformanceCases('wasm'),
    ...int8ConformanceCases('wasm'),
    ...convInt8ConformanceCases('wasm'),
  ]) {
    it(c.name, c.run);
  }
  it('ran the SIMD kernels, not the Impl', () => {
    // Depthwise convolutions with a channel multiplier above 1 use core's direct loop by design.
    expect(Object.keys(clipqWasmKernelStats().impl)).toEqual(
      Object.keys(clipqWasmKernelStats().impl).length ? ['ClipqDepthwiseConv2DInt8'] : [],
    );
    expect(Object.keys(clipqWasmKernelStats().simd).length).toBe(7);
  });
});
