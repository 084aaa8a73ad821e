/**
 * @clipq/backend-wasm: importing this module registers clipq's SIMD kernels for tfjs's 'wasm' backend.
 * Browsers: call `setClipqWasmPath(url)` if clipq.wasm is not served next to this file, and
 * `await ready()` to be sure the SIMD kernels (not core's Impl fallback) are in use.
 */
import '@tensorflow/tfjs-backend-wasm'; // registers tfjs-wasm's kernels first (MaxPool is wrapped)
import '@clipq/core';
import { registerClipqWasmKernels } from './register_all_kernels.js';

registerClipqWasmKernels();

export type { ClipqWasmKernelStats } from './base.js';
export {
  clipqConv2DInt8Config,
  clipqDepthwiseConv2DInt8Config,
  clipqDequantizeConfig,
  clipqFakeQuantConfig,
  clipqFakeQuantGradConfig,
  clipqMatMulInt8Config,
  clipqQuantizeConfig,
  clipqWasmKernelStats,
  clipqWasmLoadError,
  ready,
  registerClipqWasmKernels,
  resetClipqWasmKernelStats,
  setClipqWasmCopyMode,
  setClipqWasmPath,
  wasmKernelConfigs,
  wasmPackedWeightCache,
} from './base.js';
