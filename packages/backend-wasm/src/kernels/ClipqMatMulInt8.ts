/**
 * ClipqMatMulInt8 on wasm: exact int8 GEMM/GEMV on SIMD128 with B packed once per weight, fused
 * rescale, bias and activation, bit-identical to `matMulInt8Impl`. Paths: M = 1 → gemv (1×16 tile, 2 k-pairs per step),
 * M ≤ 4 → gemvRows (4×8 tile on int8 weights), else gemm (4×8 tile on an int16 panel in L1).
 * Codes outside int8, or sizes whose accumulator could leave int32, use the Impl. With
 * `attrs.pinnedWeights` there is no `b` input: every path reads the pinned panels instead.
 */
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type ClipqMatMulInt8Inputs,
  matMulInt8Impl,
  requantizeCodesImpl,
  weightShape,
} from '@clipq/core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { HeapCall } from '../heap/call.js';
import { heapFor, type WasmBackendLike } from '../heap/heap.js';
import { codesGemm, type Int8GemmProblem, runInt8Gemm } from '../int8/gemm_call.js';
import { packedWeightsOf } from '../int8/packed_weights.js';
import { pinnedCodes, pinnedWeightsFor } from '../int8/pinned_weights.js';
import { countCall } from '../stats.js';

interface Problem {
  M: number;
  K: number;
  N: number;
  attrs: ClipqMatMulInt8Attrs;
  /** B's int32 codes, read only when core's Impl runs (from the tensor, or the pinned copy). */
  readB: () => Int32Array;
}

function implFallback(
  backend: WasmBackendLike,
  inputs: ClipqMatMulInt8Inputs,
  p: Problem,
): TensorInfo {
  countCall(ClipqMatMulInt8, 'impl');
  const read = (info: TensorInfo) => backend.readSync(info.dataId);
  const out = matMulInt8Impl({
    a: Int32Array.from(read(inputs.a)),
    b: p.readB(),
    M: p.M,
    K: p.K,
    N: p.N,
    transposeB: p.attrs.transposeB,
    aZeroPoint: p.attrs.aZeroPoint,
    bZeroPoint: read(inputs.bZeroPoint),
    aScale: p.attrs.aScale,
    bScale: read(inputs.bScale),
    bias: p.attrs.hasBias && inputs.bias ? read(inputs.bias) : null,
    activation: p.attrs.activation,
  });
  const r = p.attrs.requantize;
  return r
    ? backend.makeOutput([p.M, p.N], 'int32', undefined, requantizeCodesImpl(out, r))
    : backend.makeOutput([p.M, p.N], 'float32', undefined, out);
}

export function clipqMatMulInt8(args: {
  inputs: ClipqMatMulInt8Inputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqMatMulInt8Attrs;
  const { inputs } = args;
  const [M, K] = inputs.a.shape as [number, number];
  const heap = heapFor(backend);
  const pinnedAttr = attrs.pinnedWeights ?? null;
  // Pinned weights: no b input; the panels in the pinned entry are the only copy ([K,N], untransposed).
  const pinned = pinnedAttr ? pinnedWeightsFor(heap, ClipqMatMulInt8, pinnedAttr) : null;
  const bShape = weightShape(ClipqMatMulInt8, inputs.b, pinnedAttr);
  // Pinned B is [K,N] whatever transposeB says (core packs it untransposed).
  const N = bShape[!pinnedAttr && attrs.transposeB ? 0 : 1]!;
  const readB = pinned
    ? () => pinnedCodes(pinned)
    : () => Int32Array.from(backend.readSync(inputs.b.dataId));
  const problem: Problem = {
    M,
    K,
    N,
    attrs: { ...attrs, transposeB: !pinned && attrs.transposeB },
    readB,
  };
  if (!heap || M * N === 0) return implFallback(backend, inputs, problem);
  const packed = pinned ? pinned.panels! : packedWeightsOf(heap, inputs.b, K, N, attrs.transposeB);
  if (!packed.ptr) return implFallback(backend, inputs, problem);
  const call = new HeapCall(heap);
  try {
    const aPtr = call.input(inputs.a);
    const gemm: Int8GemmProblem = {
      M,
      K,
      N,
      aScale: attrs.aScale,
      aZeroPoint: attrs.aZeroPoint,
      activation: attrs.activation,
      bScale: inputs.bScale,
      bZeroPoint: inputs.bZeroPoint,
      bias: attrs.hasBias && inputs.bias ? inputs.bias : null,
      outShape: [M, N],
      requantize: attrs.requantize ?? null,
    };
    const out = runInt8Gemm(heap, call, packed, gemm, codesGemm(heap, aPtr, packed, gemm));
    if (!out) return implFallback(backend, inputs, problem);
    countCall(ClipqMatMulInt8, 'simd');
    return out;
  } finally {
    call.end();
  }
}

export const clipqMatMulInt8Config: KernelConfig = {
  kernelName: ClipqMatMulInt8,
  backendName: 'wasm',
  kernelFunc: clipqMatMulInt8 as unknown as KernelFunc,
};
