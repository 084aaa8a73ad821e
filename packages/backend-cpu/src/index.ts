/**
 * @clipq/backend-cpu: importing this module registers clipq's optimized kernels for tfjs's `cpu`
 * backend (fused fake-quant forward/backward, quantize, dequantize and the exact int8 matmul).
 */
import { registerClipqCpuKernels } from './base.js';

registerClipqCpuKernels();

export * from './base.js';
