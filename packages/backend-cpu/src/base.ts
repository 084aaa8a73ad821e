/**
 * @clipq/backend-cpu, side-effect free: nothing is registered until `registerClipqCpuKernels()` runs.
 */

export {
  GEMV_MAX_ROWS,
  type MatMulInt8Operands,
  matMulInt8AccPacked,
  matMulInt8Packed,
} from './int8/mat_mul_int8_packed.js';
export { CpuPackedWeightCache, packedWeightCache } from './int8/packed_weight_cache.js';
export { PANEL_WIDTH, type PackedWeights, packWeights } from './int8/packed_weights.js';
export { clipqDequantizeConfig } from './kernels/ClipqDequantize.js';
export { clipqFakeQuantConfig } from './kernels/ClipqFakeQuant.js';
export { clipqFakeQuantGradConfig } from './kernels/ClipqFakeQuantGrad.js';
export { clipqMatMulInt8Config } from './kernels/ClipqMatMulInt8.js';
export { clipqQuantizeConfig } from './kernels/ClipqQuantize.js';
export { cpuKernelConfigs, registerClipqCpuKernels } from './register_all_kernels.js';
