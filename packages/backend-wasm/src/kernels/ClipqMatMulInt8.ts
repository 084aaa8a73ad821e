/**
 * ClipqMatMulInt8 on wasm: exact int8 GEMM/GEMV on SIMD128 with B packed once per weight, fused
 * rescale, bias and activation, bit-identical to `matMulInt8Impl`. Paths: M = 1 → gemv (1×32 tile),
 * M ≤ 4 → gemvRows (4×8 tile on int8 weights), else gemm (4×8 tile on an int16 panel in L1).
 * Codes outside int8, or sizes whose accumulator could leave int32, use the Impl.
 */
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type ClipqMatMulInt8Inputs,
  matMulInt8Impl,
} from '@clipq/core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { HeapCall } from '../heap/call.js';
import { type Heap, heapFor, type WasmBackendLike } from '../heap/heap.js';
import { ACTIVATION_CODES, epilogueArrays } from '../int8/epilogue.js';
import { int8PathIsExact } from '../int8/exact_range.js';
import { type PackedB, packedWeightsOf } from '../int8/packed_weights.js';
import { unpackBounds } from '../module/exports.js';
import { countCall } from '../stats.js';

interface Problem {
  M: number;
  K: number;
  N: number;
  attrs: ClipqMatMulInt8Attrs;
  bScale: Float32Array;
  bZeroPoint: Int32Array;
  bias: Float32Array | null;
}

function implFallback(
  backend: WasmBackendLike,
  inputs: ClipqMatMulInt8Inputs,
  p: Problem,
): TensorInfo {
  countCall(ClipqMatMulInt8, 'impl');
  const out = matMulInt8Impl({
    a: Int32Array.from(backend.readSync(inputs.a.dataId)),
    b: Int32Array.from(backend.readSync(inputs.b.dataId)),
    M: p.M,
    K: p.K,
    N: p.N,
    transposeB: p.attrs.transposeB,
    aZeroPoint: p.attrs.aZeroPoint,
    bZeroPoint: p.bZeroPoint,
    aScale: p.attrs.aScale,
    bScale: p.bScale,
    bias: p.bias,
    activation: p.attrs.activation,
  });
  return backend.makeOutput([p.M, p.N], 'float32', undefined, out);
}

function runSimd(
  heap: Heap,
  call: HeapCall,
  aPtr: number,
  packed: PackedB,
  p: Problem,
): TensorInfo {
  const { M, K, N, attrs } = p;
  const { Kp } = packed;
  const Mp = Math.ceil(M / 4) * 4;
  const epilogue = epilogueArrays(N, attrs.aScale, p.bScale, p.bZeroPoint, p.bias);
  // Allocate everything first: tfjs's _malloc may grow (and detach) the memory.
  const aPacked = call.alloc(Mp * Kp * 4);
  const rowSums = call.alloc(Mp * 4);
  const zeroPoints = call.alloc(epilogue.zeroPoints.byteLength);
  const multipliers = call.alloc(epilogue.multipliers.byteLength);
  const bias = epilogue.bias ? call.alloc(epilogue.bias.byteLength) : 0;
  const scratch = call.alloc(64 + (M > 4 ? Kp * 32 : 0));
  const out = call.output([M, N], 'float32');
  call.write(zeroPoints, epilogue.zeroPoints);
  call.write(multipliers, epilogue.multipliers);
  if (epilogue.bias) call.write(bias, epilogue.bias);
  const wasm = heap.exports;
  wasm.packA(aPtr, M, K, attrs.aZeroPoint, Kp, aPacked, rowSums);
  wasm.setEpilogue(zeroPoints, multipliers, bias, ACTIVATION_CODES[attrs.activation], scratch);
  if (M === 1) wasm.gemv(aPacked, heap.i32(rowSums, 1)[0]!, Kp, packed.ptr, N, out);
  else if (M <= 4) wasm.gemvRows(aPacked, rowSums, M, Kp, packed.ptr, N, out);
  else wasm.gemm(aPacked, rowSums, M, Kp, packed.ptr, N, out);
  return call.result(out);
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
  const N = attrs.transposeB ? inputs.b.shape[0]! : inputs.b.shape[1]!;
  const problem: Problem = {
    M,
    K,
    N,
    attrs,
    bScale: Float32Array.from(backend.readSync(inputs.bScale.dataId)),
    bZeroPoint: Int32Array.from(backend.readSync(inputs.bZeroPoint.dataId)),
    bias:
      attrs.hasBias && inputs.bias ? Float32Array.from(backend.readSync(inputs.bias.dataId)) : null,
  };
  const heap = heapFor(backend);
  if (!heap || M * N === 0) return implFallback(backend, inputs, problem);
  const packed = packedWeightsOf(heap, inputs.b, K, N, attrs.transposeB);
  if (!packed.ptr && K > 0) return implFallback(backend, inputs, problem);
  const call = new HeapCall(heap);
  try {
    const aPtr = call.input(inputs.a);
    const aBounds =
      M * K > 0 ? unpackBounds(heap.exports.codeBounds(aPtr, M * K)) : { min: 0, max: 0 };
    const bBounds = { min: packed.codeMin, max: packed.codeMax };
    if (!int8PathIsExact(K, aBounds, attrs.aZeroPoint, bBounds, problem.bZeroPoint)) {
      return implFallback(backend, inputs, problem);
    }
    countCall(ClipqMatMulInt8, 'simd');
    return runSimd(heap, call, aPtr, packed, problem);
  } finally {
    call.end();
  }
}

export const clipqMatMulInt8Config: KernelConfig = {
  kernelName: ClipqMatMulInt8,
  backendName: 'wasm',
  kernelFunc: clipqMatMulInt8 as unknown as KernelFunc,
};
