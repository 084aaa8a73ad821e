/**
 * Exact int8 depthwise convolution on the cpu backend. Each weight is used once per output pixel, so a
 * GEMM cannot pay off; core's direct integer loop over the host-memory codes (with zero points folded
 * into the filter once) is the kernel, followed by the exact float32 epilogue.
 */
import { ClipqDepthwiseConv2DInt8, depthwiseConv2dInt8Direct } from '@clipq/core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';

export const clipqDepthwiseConv2DInt8Config: KernelConfig = {
  kernelName: ClipqDepthwiseConv2DInt8,
  backendName: 'cpu',
  kernelFunc: depthwiseConv2dInt8Direct as unknown as KernelFunc,
};
