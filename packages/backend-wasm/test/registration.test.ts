import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqDequantize,
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  ClipqMatMulInt8,
  ClipqQuantize,
  clipqMatMulInt8ReferenceConfig,
  dequantize,
  fakeQuant,
  isKernelRegistered,
  matMulInt8,
  packedWeightBytes,
  quantize,
} from '@clipq/core';
import { backend, getKernel, grads, randomUniform, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  clipqWasmKernelStats,
  ready,
  resetClipqWasmKernelStats,
  wasmKernelConfigs,
  wasmPackedWeightCache,
} from '../src/base.js';
import { heapFor, type WasmBackendLike } from '../src/heap/heap.js';
import './setup.js';

describe('importing @clipq/backend-wasm', () => {
  it('registers all seven kernels for wasm, replacing the reference kernels', () => {
    expect(wasmKernelConfigs.map((c) => c.kernelName).sort()).toEqual(
      [
        ClipqConv2DInt8,
        ClipqDepthwiseConv2DInt8,
        ClipqDequantize,
        ClipqFakeQuant,
        ClipqFakeQuantGrad,
        ClipqMatMulInt8,
        ClipqQuantize,
      ].sort(),
    );
    for (const config of wasmKernelConfigs) {
      expect(config.backendName).toBe('wasm');
      expect(isKernelRegistered(config), config.kernelName).toBe(true);
    }
    expect(getKernel(ClipqMatMulInt8, 'wasm')?.kernelFunc).not.toBe(
      clipqMatMulInt8ReferenceConfig.kernelFunc,
    );
  });

  it('runs zero-copy on tfjs-wasm memory in Node, with clipq.wasm loaded synchronously', async () => {
    await ready();
    const heap = heapFor(backend() as unknown as WasmBackendLike);
    expect(heap?.zeroCopy).toBe(true);
    expect(heap?.memory).toBe(
      (backend() as unknown as { wasm: { asm: { memory: unknown } } }).wasm.asm.memory,
    );
  });

  it("proves that this package's SIMD kernels ran (not core's reference or Impl)", () => {
    resetClipqWasmKernelStats();
    tidy(() => {
      const x = randomUniform([33, 16], -2, 2);
      const [dx] = grads((t) => fakeQuant(t, -1, 1.5))([x]);
      dx!.dataSync();
      const q = quantize(x, -1, 1.5);
      dequantize(q).dataSync();
      const w = quantize(randomUniform([16, 24], -1, 1), -1, 1, { symmetric: true, axis: 1 });
      matMulInt8(q, w, { activation: 'relu' }).dataSync();
      q.dispose();
      w.dispose();
    });
    expect(clipqWasmKernelStats()).toEqual({
      simd: {
        [ClipqFakeQuant]: 1,
        [ClipqFakeQuantGrad]: 1,
        [ClipqQuantize]: 2,
        [ClipqDequantize]: 1,
        [ClipqMatMulInt8]: 1,
      },
      impl: {},
    });
  });

  it('packs each weight once at ~1 byte per parameter and frees it on dispose()', () => {
    const K = 100;
    const N = 50;
    const a = quantize(randomUniform([3, K], -1, 1), -1, 1);
    const w = quantize(randomUniform([K, N], -1, 1), -1, 1, { symmetric: true, axis: 1 });
    const before = wasmPackedWeightCache.bytes();
    matMulInt8(a, w).dispose();
    const packed = wasmPackedWeightCache.bytes() - before;
    expect(packed).toBeGreaterThanOrEqual(K * N);
    expect(packed).toBeLessThanOrEqual(Math.ceil(K / 4) * 4 * Math.ceil(N / 8) * 8);
    matMulInt8(a, w).dispose();
    expect(wasmPackedWeightCache.bytes() - before, 'second call reuses the packed copy').toBe(
      packed,
    );
    expect(packedWeightBytes().wasm).toBe(wasmPackedWeightCache.bytes());
    w.dispose();
    expect(wasmPackedWeightCache.bytes()).toBe(before);
    a.dispose();
  });
});
