/**
 * ClipqMatMulInt8 for backend 'webgl': exact int8 matmul. WebGL2 takes the integer-texture path
 * (1-byte packed weights, int32 accumulation); WebGL1, or shapes past the texture size limit, take the
 * float program with exact partial sums. Both reproduce core's `matMulInt8Impl` bit for bit.
 */
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type ClipqMatMulInt8Inputs,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { rawPassesEnabled } from '../flags.js';
import { gl2 } from '../gl/webgl_backend.js';
import { epilogueValues } from '../mat_mul_int8_epilogue.js';
import { matMulInt8Float } from '../mat_mul_int8_float.js';
import { fitsIntegerPath, matMulInt8WebGL2 } from '../mat_mul_int8_webgl2.js';

function validateInputs(inputs: ClipqMatMulInt8Inputs, attrs: ClipqMatMulInt8Attrs) {
  const { a, b } = inputs;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new Error(`ClipqMatMulInt8: a and b must be 2-D, got [${a.shape}] and [${b.shape}]`);
  }
  const [M, K] = a.shape as [number, number];
  const [bK, N] = (attrs.transposeB ? [b.shape[1], b.shape[0]] : b.shape) as [number, number];
  if (bK !== K)
    throw new Error(`ClipqMatMulInt8: inner dimensions differ, a [${a.shape}], b [${b.shape}]`);
  return { M, K, N };
}

export function clipqMatMulInt8(args: {
  inputs: ClipqMatMulInt8Inputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqMatMulInt8Attrs;
  const dims = validateInputs(args.inputs, attrs);
  const epilogue = epilogueValues(backend, args.inputs, attrs, dims.N);
  const useIntegers = rawPassesEnabled() && fitsIntegerPath(gl2(backend), dims.M, dims.K, dims.N);
  return useIntegers
    ? matMulInt8WebGL2(backend, args.inputs, attrs, dims, epilogue)
    : matMulInt8Float(backend, args.inputs, attrs, dims, epilogue);
}

export const clipqMatMulInt8Config: KernelConfig = {
  kernelName: ClipqMatMulInt8,
  backendName: 'webgl',
  kernelFunc: clipqMatMulInt8 as unknown as KernelFunc,
};
