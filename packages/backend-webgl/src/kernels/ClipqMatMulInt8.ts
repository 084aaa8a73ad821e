/**
 * ClipqMatMulInt8 for backend 'webgl': exact int8 matmul. WebGL2 takes the integer-texture path
 * (1-byte packed weights, int32 accumulation); WebGL1, or shapes past the texture size limit, take the
 * float program with exact partial sums. Both reproduce core's `matMulInt8Impl` bit for bit. With
 * `attrs.pinnedWeights` the `b` input is absent and B is the pinned RGBA8I texture (pinned_weights.ts).
 */
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type ClipqMatMulInt8Inputs,
  weightShape,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { rawPassesEnabled } from '../flags.js';
import { gl2 } from '../gl/webgl_backend.js';
import { epilogueValues } from '../mat_mul_int8_epilogue.js';
import { matMulInt8Float } from '../mat_mul_int8_float.js';
import { fitsIntegerPath, matMulInt8WebGL2 } from '../mat_mul_int8_webgl2.js';
import { type PackedB, packedB } from '../packed_weights.js';
import { type PinnedWeights, pinnedCodes, pinnedTexture } from '../pinned_weights.js';

function validateInputs(inputs: ClipqMatMulInt8Inputs, attrs: ClipqMatMulInt8Attrs) {
  const { a } = inputs;
  const pinned = attrs.pinnedWeights ?? null;
  const bShape = weightShape(ClipqMatMulInt8, inputs.b, pinned);
  if (a.shape.length !== 2 || bShape.length !== 2) {
    throw new Error(`ClipqMatMulInt8: a and b must be 2-D, got [${a.shape}] and [${bShape}]`);
  }
  if (pinned && attrs.transposeB)
    throw new Error('ClipqMatMulInt8: pinned weights are [K,N]; transposeB must be false');
  const [M, K] = a.shape as [number, number];
  const [bK, N] = (attrs.transposeB ? [bShape[1], bShape[0]] : bShape) as [number, number];
  if (bK !== K)
    throw new Error(`ClipqMatMulInt8: inner dimensions differ, a [${a.shape}], b [${bShape}]`);
  return { M, K, N };
}

/**
 * B's RGBA8I texture for the integer path: the pinned texture, or B's codes packed on first use.
 * Null when pinned weights are held on the host (no integer texture could hold them).
 */
export function matMulWeights(
  backend: MathBackendWebGL,
  kernelName: string,
  b: TensorInfo | undefined,
  pinned: PinnedWeights | null,
  dims: { K: number; N: number },
  transposeB: boolean,
): PackedB | null {
  if (pinned) return pinnedTexture(backend, kernelName, pinned);
  return packedB(backend, b!, dims.K, dims.N, transposeB);
}

export function clipqMatMulInt8(args: {
  inputs: ClipqMatMulInt8Inputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqMatMulInt8Attrs;
  const dims = validateInputs(args.inputs, attrs);
  const pinned = attrs.pinnedWeights ?? null;
  const epilogue = epilogueValues(backend, args.inputs, attrs, dims.N);
  if (rawPassesEnabled() && fitsIntegerPath(gl2(backend), dims.M, dims.K, dims.N)) {
    const weights = matMulWeights(
      backend,
      ClipqMatMulInt8,
      args.inputs.b,
      pinned,
      dims,
      attrs.transposeB,
    );
    if (weights) return matMulInt8WebGL2(backend, args.inputs, attrs, dims, epilogue, weights);
  }
  if (!pinned) return matMulInt8Float(backend, args.inputs, attrs, dims, epilogue);
  const b = pinnedCodes(backend, ClipqMatMulInt8, pinned);
  try {
    return matMulInt8Float(backend, { ...args.inputs, b }, attrs, dims, epilogue);
  } finally {
    backend.disposeIntermediateTensorInfo(b);
  }
}

export const clipqMatMulInt8Config: KernelConfig = {
  kernelName: ClipqMatMulInt8,
  backendName: 'webgl',
  kernelFunc: clipqMatMulInt8 as unknown as KernelFunc,
};
