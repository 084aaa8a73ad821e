/** Registers clipq's wasm kernels over core's reference kernels (idempotent). */
import { registerKernelOverride } from '@clipq/core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { registerWasmPackedWeightCache } from './int8/weight_cache.js';
import { clipqConv2DInt8Config } from './kernels/ClipqConv2DInt8.js';
import { clipqDepthwiseConv2DInt8Config } from './kernels/ClipqDepthwiseConv2DInt8.js';
import { clipqDequantizeConfig } from './kernels/ClipqDequantize.js';
import { clipqFakeQuantConfig } from './kernels/ClipqFakeQuant.js';
import { clipqFakeQuantGradConfig } from './kernels/ClipqFakeQuantGrad.js';
import { clipqMatMulInt8Config } from './kernels/ClipqMatMulInt8.js';
import { clipqQuantizeConfig } from './kernels/ClipqQuantize.js';
import { int32MaxPoolConfig } from './kernels/MaxPool.js';
import { ready } from './module/loader.js';

export const wasmKernelConfigs: KernelConfig[] = [
  clipqFakeQuantConfig,
  clipqFakeQuantGradConfig,
  clipqQuantizeConfig,
  clipqDequantizeConfig,
  clipqMatMulInt8Config,
  clipqConv2DInt8Config,
  clipqDepthwiseConv2DInt8Config,
];

/**
 * Registers the kernels for backend 'wasm' (and int32 support in tfjs-wasm's MaxPool, when tfjs-wasm
 * is loaded) and starts loading clipq.wasm (synchronous in Node; in
 * browsers the kernels use core's Impl until `ready()` resolves). A failed load is reported by `ready()`.
 */
export function registerClipqWasmKernels(): void {
  for (const config of wasmKernelConfigs) registerKernelOverride(config);
  const maxPool = int32MaxPoolConfig();
  if (maxPool) registerKernelOverride(maxPool);
  registerWasmPackedWeightCache();
  ready().catch(() => {
    // Kept for `ready()` and `clipqWasmLoadError()`; the kernels stay correct through core's Impl.
  });
}
