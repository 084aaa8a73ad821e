/**
 * Registers the reference kernels (tfjs ops) for the backends tfjs ships, so clipq's ops work
 * everywhere before any optimized backend package is installed. An existing registration (an
 * optimized kernel imported earlier) is never replaced.
 */
import { getKernel, type KernelConfig, registerKernel } from '@tensorflow/tfjs-core';
import { clipqConv2DInt8ReferenceConfig } from './kernels/ClipqConv2DInt8.js';
import { clipqDepthwiseConv2DInt8ReferenceConfig } from './kernels/ClipqDepthwiseConv2DInt8.js';
import { clipqDequantizeReferenceConfig } from './kernels/ClipqDequantize.js';
import { clipqFakeQuantReferenceConfig } from './kernels/ClipqFakeQuant.js';
import { clipqFakeQuantGradReferenceConfig } from './kernels/ClipqFakeQuantGrad.js';
import { clipqMatMulInt8ReferenceConfig } from './kernels/ClipqMatMulInt8.js';
import { clipqQuantizeReferenceConfig } from './kernels/ClipqQuantize.js';

export const referenceKernelConfigs: Array<Omit<KernelConfig, 'backendName'>> = [
  clipqFakeQuantReferenceConfig,
  clipqFakeQuantGradReferenceConfig,
  clipqQuantizeReferenceConfig,
  clipqDequantizeReferenceConfig,
  clipqMatMulInt8ReferenceConfig,
  clipqConv2DInt8ReferenceConfig,
  clipqDepthwiseConv2DInt8ReferenceConfig,
];

/** The backends that get reference kernels on import. Others: call `registerClipqReferenceKernels`. */
export const REFERENCE_BACKENDS = ['cpu', 'wasm', 'webgl', 'webgpu', 'tensorflow'] as const;

export function registerClipqReferenceKernels(backendName: string): void {
  for (const config of referenceKernelConfigs) {
    if (getKernel(config.kernelName, backendName) == null) {
      registerKernel({ ...config, backendName });
    }
  }
}

for (const backendName of REFERENCE_BACKENDS) registerClipqReferenceKernels(backendName);
