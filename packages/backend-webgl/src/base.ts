/**
 * @clipq/backend-webgl without side effects: call `registerClipqWebglKernels()` yourself.
 */

export { rawPassesEnabled } from './flags.js';
export { ownTextureStats } from './gl/own_textures.js';
export { clipqDequantizeConfig } from './kernels/ClipqDequantize.js';
export { clipqFakeQuantConfig } from './kernels/ClipqFakeQuant.js';
export { clipqFakeQuantGradConfig } from './kernels/ClipqFakeQuantGrad.js';
export { clipqMatMulInt8Config } from './kernels/ClipqMatMulInt8.js';
export { clipqQuantizeConfig } from './kernels/ClipqQuantize.js';
export type { PackedB } from './packed_weights.js';
export { packB } from './packed_weights.js';
export { exactChunk } from './programs/mat-mul-int8-float-program.js';
export { registerClipqWebglKernels, webglKernelConfigs } from './register_all_kernels.js';
export { releaseScratch, scratchBytes } from './scratch_pool.js';
export { type TextureBreakdown, textureBreakdown, webglPackedWeightCache } from './weight_cache.js';
