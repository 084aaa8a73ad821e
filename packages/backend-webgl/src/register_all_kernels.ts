/**
 * Registers clipq's WebGL kernels, replacing core's reference kernels for backend 'webgl'
 * (idempotent), and hands the packed-weight cache to core so `QuantizedTensor.dispose()` frees it.
 */
import * as core from '@clipq/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import './flags.js';
import { clipqConv2DInt8Config } from './kernels/ClipqConv2DInt8.js';
import { clipqDepthwiseConv2DInt8Config } from './kernels/ClipqDepthwiseConv2DInt8.js';
import { clipqDequantizeConfig } from './kernels/ClipqDequantize.js';
import { clipqFakeQuantConfig } from './kernels/ClipqFakeQuant.js';
import { clipqFakeQuantGradConfig } from './kernels/ClipqFakeQuantGrad.js';
import { clipqMatMulInt8Config } from './kernels/ClipqMatMulInt8.js';
import { clipqQuantizeConfig } from './kernels/ClipqQuantize.js';
import { webglPackedWeightCache } from './weight_cache.js';

export const webglKernelConfigs: KernelConfig[] = [
  clipqFakeQuantConfig,
  clipqFakeQuantGradConfig,
  clipqQuantizeConfig,
  clipqDequantizeConfig,
  clipqMatMulInt8Config,
  clipqConv2DInt8Config,
  clipqDepthwiseConv2DInt8Config,
];

type CacheRegistrar = (cache: typeof webglPackedWeightCache) => void;

export function registerClipqWebglKernels(): void {
  for (const config of webglKernelConfigs) core.registerKernelOverride(config);
  const register = (core as unknown as { registerPackedWeightCache?: CacheRegistrar })
    .registerPackedWeightCache;
  register?.(webglPackedWeightCache);
}
