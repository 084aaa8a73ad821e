/**
 * ClipqConv2DInt8 on wasm: im2col (core's host-memory `conv2dInt8ViaMatMul`) feeding this package's
 * SIMD ClipqMatMulInt8, so the filter, viewed as [kh·kw·Cin, Cout], is packed once in the wasm heap and
 * 1×1 stride-1 convolutions run as a plain GEMM on the input codes, without patches.
 */
import { ClipqConv2DInt8, type ClipqConv2DInt8Inputs, conv2dInt8ViaMatMul } from '@clipq/core';
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';

export function clipqConv2DInt8(args: {
  inputs: ClipqConv2DInt8Inputs;
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  return conv2dInt8ViaMatMul(args);
}

export const clipqConv2DInt8Config: KernelConfig = {
  kernelName: ClipqConv2DInt8,
  backendName: 'wasm',
  kernelFunc: clipqConv2DInt8 as unknown as KernelFunc,
};
