import '@tensorflow/tfjs-backend-cpu';
import '@clipq/backend-cpu';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import { setBackend, type Tensor, tensor } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { expectSameBits, seeded } from './bits.js';
import './setup.js';

// A converted model through the int8 runtime (fused requantization between layers, max pooling on
// codes) on @clipq/backend-cpu and on this package: the outputs must be identical bit for bit. The
// layers cover the direct conv (3×3 over 1 channel → 16), im2col + GEMM (3×3 over 16 → 32), the
// depthwise fast path, a 1×1 conv on the chunked GEMM and a dense layer (GEMV and GEMM).
function model(): tfl.LayersModel {
  let seed = 5;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
  const m = tfl.sequential();
  m.add(
    tfl.layers.conv2d({
      inputShape: [14, 13, 1],
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(),
      biasInitializer: 'ones',
    }),
  );
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
  m.add(
    tfl.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu6',
      kernelInitializer: init(),
    }),
  );
  m.add(
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu6',
      depthwiseInitializer: init(),
    }),
  );
  m.add(
    tfl.layers.conv2d({
      filters: 24,
      kernelSize: 1,
      activation: 'relu',
      kernelInitializer: init(),
    }),
  );
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ units: 10, kernelInitializer: init() }));
  return m;
}

describe('int8 runtime: identical outputs on @clipq/backend-cpu and on wasm', () => {
  it('demo-like CNN with a depthwise block, batch 1 and 7', async () => {
    await setBackend('cpu');
    const r = seeded(77);
    const images = (n: number) =>
      tensor(
        Float32Array.from({ length: n * 14 * 13 }, () => r()),
        [n, 14, 13, 1],
      );
    const float = model();
    const qat = prepareQat(float);
    await calibrate(qat, images(8), { method: 'minmax', batchSize: 8 });
    const converted = convertToInt8(qat);
    for (const batch of [1, 7]) {
      const x = images(batch);
      await setBackend('cpu');
      const onCpu = (converted.predict(x) as Tensor).dataSync() as Float32Array;
      await setBackend('wasm');
      resetClipqWasmKernelStats();
      const onWasm = (converted.predict(x) as Tensor).dataSync() as Float32Array;
      expect(clipqWasmKernelStats().impl, 'the wasm side ran the SIMD kernels').toEqual({});
      expect(Object.keys(clipqWasmKernelStats().simd).sort()).toEqual(
        [
          'ClipqConv2DInt8',
          'ClipqDepthwiseConv2DInt8',
          'ClipqDequantize',
          'ClipqMatMulInt8',
          'ClipqQuantize',
        ].sort(),
      );
      expectSameBits(onWasm, onCpu, `batch ${batch}`);
    }
  });
});

describe('int8 runtime: Conv2D + 2×2 MaxPooling2D fused in the wasm kernel', () => {
  it('the demo CNN pools inside ClipqConv2DInt8 on wasm, bit-identical to the separate pool on cpu', async () => {
    await setBackend('cpu');
    let seed = 11;
    const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
    const float = tfl.sequential();
    const conv = { kernelSize: 3, padding: 'same', activation: 'relu' } as const;
    float.add(
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        ...conv,
        kernelInitializer: init(),
      }),
    );
    float.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    float.add(tfl.layers.conv2d({ filters: 32, ...conv, kernelInitializer: init() }));
    float.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    float.add(tfl.layers.flatten());
    float.add(tfl.layers.dense({ units: 10, kernelInitializer: init() }));
    const r = seeded(5);
    const images = (n: number) =>
      tensor(
        Float32Array.from({ length: n * 28 * 28 }, () => r()),
        [n, 28, 28, 1],
      );
    const qat = prepareQat(float);
    await calibrate(qat, images(8), { method: 'minmax', batchSize: 8 });
    const converted = convertToInt8(qat);
    for (const batch of [1, 5]) {
      const x = images(batch);
      await setBackend('cpu');
      const onCpu = (converted.predict(x) as Tensor).dataSync() as Float32Array;
      const cpuPaths = converted.plan().map((p) => p.path);
      expect(cpuPaths.filter((p) => p.startsWith('fused into'))).toEqual([]);
      await setBackend('wasm');
      const onWasm = (converted.predict(x) as Tensor).dataSync() as Float32Array;
      const wasmPaths = converted.plan().map((p) => p.path);
      expect(wasmPaths.filter((p) => p.endsWith('+ max pool fused'))).toHaveLength(2);
      expect(wasmPaths.filter((p) => p.startsWith('fused into'))).toHaveLength(2);
      expectSameBits(onWasm, onCpu, `batch ${batch}`);
    }
    await setBackend('wasm');
    expect(converted.pack()).toBe(3);
    const x = images(3);
    const packed = (converted.predict(x) as Tensor).dataSync() as Float32Array;
    await setBackend('cpu');
    expectSameBits(packed, (converted.predict(x) as Tensor).dataSync() as Float32Array, 'packed');
  });
});
