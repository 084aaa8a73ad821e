import '@tensorflow/tfjs-backend-cpu';
import { cpuKernelConfigs } from '@clipq/backend-cpu';
import { dequantize, fakeQuant, isKernelRegistered, matMulInt8, quantize } from '@clipq/core';
import { grads, setBackend, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipqWasmKernelStats, resetClipqWasmKernelStats } from '../src/base.js';
import { expectSameBits, expectSameInts, seeded } from './bits.js';
import './setup.js';

// The same inputs through @clipq/backend-cpu's kernels and through this package's: every output must
// be identical, bit for bit (both implement core's Impl contract exactly).

interface Outputs {
  y: Float32Array;
  dx: Float32Array;
  dmin: Float32Array;
  dmax: Float32Array;
  codes: Int32Array;
  dequantized: Float32Array;
  product: Float32Array;
  productT: Float32Array;
}

function compute(backendName: string, seed: number): Promise<Outputs> {
  return setBackend(backendName).then(() => {
    const r = seeded(seed);
    const values = (n: number, s: number) =>
      Float32Array.from({ length: n }, () => (r() - 0.5) * s);
    let out: Outputs | null = null;
    tidy(() => {
      const x = tensor(values(37 * 24, 6), [37, 24]);
      const dy = tensor(values(37 * 24, 1), [37, 24]);
      const mins = tensor(Float32Array.from({ length: 24 }, (_, c) => -1 - c / 10));
      const maxs = tensor(Float32Array.from({ length: 24 }, (_, c) => 1 + c / 7));
      const options = { axis: 1, rangeGradient: 'full' as const };
      const y = fakeQuant(x, mins, maxs, options);
      const [dx, dmin, dmax] = grads((a: Tensor, lo: Tensor, hi: Tensor) =>
        fakeQuant(a, lo, hi, options),
      )([x, mins, maxs], dy) as [Tensor, Tensor, Tensor];
      const a = quantize(x, -2.7, 3.1);
      const w = quantize(tensor(values(24 * 19, 2), [24, 19]), -1, 1, { symmetric: true, axis: 1 });
      const wT = quantize(tensor(values(19 * 24, 2), [19, 24]), -0.8, 1.2, { axis: 0 });
      const bias = tensor(values(19, 1));
      out = {
        y: y.dataSync() as Float32Array,
        dx: dx.dataSync() as Float32Array,
        dmin: dmin.dataSync() as Float32Array,
        dmax: dmax.dataSync() as Float32Array,
        codes: a.codes.dataSync() as Int32Array,
        dequantized: dequantize(a).dataSync() as Float32Array,
        product: matMulInt8(a, w, { bias, activation: 'relu6' }).dataSync() as Float32Array,
        productT: matMulInt8(a, wT, { transposeB: true }).dataSync() as Float32Array,
      };
      a.dispose();
      w.dispose();
      wT.dispose();
    });
    return out!;
  });
}

describe('results are identical to @clipq/backend-cpu for the same inputs and QuantizedTensors', () => {
  it('fake-quant forward/backward, quantize, dequantize, matMulInt8 (plain and transposeB)', async () => {
    for (const config of cpuKernelConfigs)
      expect(isKernelRegistered(config), config.kernelName).toBe(true);
    const onCpu = await compute('cpu', 11);
    resetClipqWasmKernelStats();
    const onWasm = await compute('wasm', 11);
    expect(clipqWasmKernelStats().impl, 'the wasm side ran the SIMD kernels').toEqual({});
    for (const key of ['y', 'dx', 'dmin', 'dmax', 'dequantized', 'product', 'productT'] as const) {
      expectSameBits(onWasm[key], onCpu[key], key);
    }
    expectSameInts(onWasm.codes, onCpu.codes, 'codes');
  });
});
