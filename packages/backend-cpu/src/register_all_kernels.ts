/**
 * Registers every clipq cpu kernel, replacing core's reference kernels (core's `registerKernelOverride`
 * unregisters them first, so tfjs logs no warning), int32 support in tfjs-cpu's MaxPool, and the
 * packed-weight cache, so that
 * `QuantizedTensor.dispose()` frees packed weights. Calling it again is a no-op.
 */
import { registerKernelOverride, registerPackedWeightCache } from '@clipq/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { packedWeightCache } from './int8/packed_weight_cache.js';
import { clipqConv2DInt8Config } from './kernels/ClipqConv2DInt8.js';
import { clipqDepthwiseConv2DInt8Config } from './kernels/ClipqDepthwiseConv2DInt8.js';
import { clipqDequantizeConfig } from './kernels/ClipqDequantize.js';
import { clipqFakeQuantConfig } from './kernels/ClipqFakeQuant.js';
import { clipqFakeQuantGradConfig } from './kernels/ClipqFakeQuantGrad.js';
import { clipqMatMulInt8Config } from './kernels/ClipqMatMulInt8.js';
import { clipqQuantizeConfig } from './kernels/ClipqQuantize.js';
import { int32MaxPoolConfig } from './kernels/MaxPool.js';

export const cpuKernelConfigs: KernelConfig[] = [
  clipqFakeQuantConfig,
  clipqFakeQuantGradConfig,
  clipqQuantizeConfig,
  clipqDequantizeConfig,
  clipqMatMulInt8Config,
  clipqConv2DInt8Config,
  clipqDepthwiseConv2DInt8Config,
];

export function registerClipqCpuKernels(): void {
  for (const config of cpuKernelConfigs) registerKernelOverride(config);
  // int32 (activation codes) max pooling on a direct loop; float32 stays on tfjs-cpu's kernel.
  const maxPool = int32MaxPoolConfig();
  if (maxPool) registerKernelOverride(maxPool);
  registerPackedWeightCache(packedWeightCache);
}
