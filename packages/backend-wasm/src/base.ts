/**
 * @clipq/backend-wasm/base: everything, with no side effect. Call `registerClipqWasmKernels()` (or
 * import the package root, which does) to use clipq's SIMD kernels on tfjs's 'wasm' backend.
 */

export { setClipqWasmCopyMode } from './heap/heap.js';
export { wasmPackedWeightCache } from './int8/weight_cache.js';
export { clipqConv2DInt8Config } from './kernels/ClipqConv2DInt8.js';
export { clipqDepthwiseConv2DInt8Config } from './kernels/ClipqDepthwiseConv2DInt8.js';
export { clipqDequantizeConfig } from './kernels/ClipqDequantize.js';
export { clipqFakeQuantConfig } from './kernels/ClipqFakeQuant.js';
export { clipqFakeQuantGradConfig } from './kernels/ClipqFakeQuantGrad.js';
export { clipqMatMulInt8Config } from './kernels/ClipqMatMulInt8.js';
export { clipqQuantizeConfig } from './kernels/ClipqQuantize.js';
export { clipqWasmLoadError, ready } from './module/loader.js';
export { setClipqWasmPath } from './module/wasm_path.js';
export { registerClipqWasmKernels, wasmKernelConfigs } from './register_all_kernels.js';
export type { ClipqWasmKernelStats } from './stats.js';
export { clipqWasmKernelStats, resetClipqWasmKernelStats } from './stats.js';
