import {
  ClipqMatMulInt8,
  clipqFakeQuantGradReferenceConfig,
  clipqFakeQuantReferenceConfig,
  isKernelRegistered,
  matMulInt8,
  packedWeightBytes,
  QuantizedTensor,
} from '@clipq/core';
import { getKernel, tensor, tidy } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpuKernelConfigs, packedWeightCache, registerClipqCpuKernels } from '../src/base.js';
import { clipqMatMulInt8 } from '../src/kernels/ClipqMatMulInt8.js';
import './setup.js';

function int8Tensor(codes: number[], shape: [number, number]): QuantizedTensor {
  return new QuantizedTensor(tensor(codes, shape, 'int32'), {
    scale: Float32Array.of(0.5),
    zeroPoint: Int32Array.of(0),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
}

describe('importing @clipq/backend-cpu', () => {
  it('registers all seven kernels for cpu, replacing the reference kernels', () => {
    expect(cpuKernelConfigs.map((c) => c.kernelName).sort()).toEqual([
      'ClipqConv2DInt8',
      'ClipqDepthwiseConv2DInt8',
      'ClipqDequantize',
      'ClipqFakeQuant',
      'ClipqFakeQuantGrad',
      'ClipqMatMulInt8',
      'ClipqQuantize',
    ]);
    for (const config of cpuKernelConfigs) {
      expect(config.backendName).toBe('cpu');
      expect(isKernelRegistered(config), config.kernelName).toBe(true);
    }
    expect(getKernel('ClipqFakeQuant', 'cpu')?.kernelFunc).not.toBe(
      clipqFakeQuantReferenceConfig.kernelFunc,
    );
    expect(getKernel('ClipqFakeQuantGrad', 'cpu')?.kernelFunc).not.toBe(
      clipqFakeQuantGradReferenceConfig.kernelFunc,
    );
    expect(getKernel(ClipqMatMulInt8, 'cpu')?.kernelFunc).toBe(clipqMatMulInt8);
  });

  it('runs its own matmul kernel: the op leaves a packed copy of b in this package cache', () => {
    const a = int8Tensor([1, 2, 3, 4], [2, 2]);
    const b = int8Tensor([5, 6, 7, 8], [2, 2]);
    const out = tidy(() => matMulInt8(a, b).arraySync());
    // (a·b)·0.5·0.5 with a = [[1,2],[3,4]], b = [[5,6],[7,8]]
    expect(out).toEqual([
      [19 / 4, 22 / 4],
      [43 / 4, 50 / 4],
    ]);
    expect(packedWeightCache.has(b.codes.dataId)).toBe(true);
    expect(packedWeightBytes().cpu).toBe(packedWeightCache.bytes());
    a.dispose();
    b.dispose();
  });

  it('registering again is a no-op', () => {
    registerClipqCpuKernels();
    for (const config of cpuKernelConfigs) expect(isKernelRegistered(config)).toBe(true);
  });
});
