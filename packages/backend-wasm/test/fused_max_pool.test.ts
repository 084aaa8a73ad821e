import { ClipqConv2DInt8 } from '@clipq/core';
import { fusedMaxPoolConformanceCases } from '@clipq/core/testing';
import { engine, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import './setup.js';

describe('ClipqConv2DInt8 with fusedMaxPool on wasm: the Impl conv, requantized, then max pooled', () => {
  // Core's shared cases, plus what only this package can see: its path counters must show that no
  // case fell back to core's host-memory Impl (the pool is fused in the SIMD kernels, or run on the
  // heap after them).
  for (const c of fusedMaxPoolConformanceCases('wasm')) {
    it(c.name, async () => {
      resetClipqWasmKernelStats();
      await c.run();
      expect(clipqWasmKernelStats().impl).toEqual({});
    });
  }

  // Core's contract leaves a fused pool without requantization unspecified (the runtime never asks
  // for one); this kernel refuses it rather than pooling float32 values.
  it('refuses a fused pool without requantization', () => {
    const attrs = {
      strides: [1, 1],
      pad: 'same',
      dilations: [1, 1],
      xScale: 0.05,
      xZeroPoint: 0,
      activation: 'linear',
      hasBias: false,
      requantize: null,
      fusedMaxPool: { poolSize: [2, 2], strides: [2, 2], pad: 'valid' },
    };
    const inputs = {
      x: tensor(new Int32Array(16), [1, 4, 4, 1], 'int32'),
      filter: tensor(new Int32Array(9 * 16), [3, 3, 1, 16], 'int32'),
      wScale: tensor1d([0.01]),
      wZeroPoint: tensor1d([0], 'int32'),
    };
    expect(() => engine().runKernel(ClipqConv2DInt8, inputs, attrs as never)).toThrow(
      /fusedMaxPool needs requantize/,
    );
  });
});
