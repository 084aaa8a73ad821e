/**
 * Reference ClipqMatMulInt8 in tfjs ops. Exactness without integer matmul: the raw codes are multiplied
 * as float32 in K-chunks of 1024, where every partial sum of int8 products stays below 2^24 and is
 * therefore exact; the chunk sums are cast to int32 and added as integers. Zero points are folded in
 * through row and column sums (gemmlowp):
 *   Σ(a − za)(b − zb) = Σab − zb·Σ_k a − za·Σ_k b + K·za·zb.
 * int32 math is exact on cpu and wasm; WebGL stores int32 in float textures, so there the reference is
 * exact only while |acc| < 2^24 (backend-webgl's own kernel is exact everywhere).
 */
import {
  add,
  cast,
  type KernelConfig,
  type KernelFunc,
  matMul,
  mul,
  type NamedAttrMap,
  reshape,
  scalar,
  slice,
  sub,
  sum,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type ClipqMatMulInt8Inputs,
} from '../kernel_names.js';
import { int8Epilogue } from './int8_epilogue.js';
import { asTensor, weightInput } from './reference_math.js';

/** Largest K-chunk whose float32 partial sums of int8 products (≤ 2^14 each) stay exact (≤ 2^24). */
const EXACT_CHUNK = 1024;

function rawProductSums(a: Tensor, b: Tensor, transposeB: boolean): Tensor {
  const K = a.shape[1]!;
  let acc: Tensor | null = null;
  for (let k0 = 0; k0 < K; k0 += EXACT_CHUNK) {
    const size = Math.min(EXACT_CHUNK, K - k0);
    const aChunk = cast(slice(a, [0, k0], [-1, size]), 'float32');
    const bChunk = cast(
      transposeB ? slice(b, [0, k0], [-1, size]) : slice(b, [k0, 0], [size, -1]),
      'float32',
    );
    const part = cast(matMul(aChunk, bChunk, false, transposeB), 'int32');
    acc = acc ? add(acc, part) : part;
  }
  return acc!;
}

export function clipqMatMulInt8Reference(args: {
  inputs: ClipqMatMulInt8Inputs;
  attrs: NamedAttrMap;
}) {
  const attrs = args.attrs as unknown as ClipqMatMulInt8Attrs;
  return tidy(() => {
    const a = asTensor(args.inputs.a);
    const b = weightInput(ClipqMatMulInt8, args.inputs.b, attrs.pinnedWeights);
    const bZeroPoint = reshape(asTensor(args.inputs.bZeroPoint), [1, -1]);
    const K = a.shape[1]!;
    const za = scalar(attrs.aZeroPoint, 'int32');
    const rowSumA = sum(a, 1, true); // [M,1]
    const colSumB = reshape(sum(b, attrs.transposeB ? 1 : 0), [1, -1]); // [1,N]
    let acc = rawProductSums(a, b, attrs.transposeB);
    acc = sub(acc, mul(bZeroPoint, rowSumA));
    acc = sub(acc, mul(za, colSumB));
    acc = add(acc, mul(scalar(K, 'int32'), mul(za, bZeroPoint)));
    const bias = attrs.hasBias && args.inputs.bias ? asTensor(args.inputs.bias) : null;
    return int8Epilogue(
      acc,
      attrs.aScale,
      asTensor(args.inputs.bScale),
      bias,
      attrs.activation,
      attrs.requantize ?? null,
    );
  });
}

export const clipqMatMulInt8ReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqMatMulInt8,
  kernelFunc: clipqMatMulInt8Reference as unknown as KernelFunc,
};
