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
import { ACTIVATION_CODES, epilogueBytes, writeEpilogue } from '../int8/epilogue.js';
import { int8PathIsExact } from '../int8/exact_range.js';
import { type PackedB, packedWeightsOf } from '../int8/packed_weights.js';
import { codeBoundsOf } from '../module/exports.js';
import { countCall } from '../stats.js';

interface Problem {
  M: number;
  K: number;
  N: number;
  attrs: ClipqMatMulInt8Attrs;
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
    b: Int32Array.from(read(inputs.b)),
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
  return backend.makeOutput([p.M, p.N], 'float32', undefined, out);
}

/** Small per-column inputs, read in place (zero-copy) or copied (copy mode). Views: use right away. */
function columnValues(heap: Heap, info: TensorInfo, dtype: 'float32' | 'int32'): ArrayLike<number> {
  if (!heap.zeroCopy) return heap.backend.readSync(info.dataId);
  const size = info.shape.reduce((a, b) => a * b, 1);
  const ptr = heap.offsetOf(info);
  return dtype === 'int32' ? heap.i32(ptr, size) : heap.f32(ptr, size);
}

/** Offsets inside the per-call scratch block. */
function scratchLayout(M: number, N: number, Kp: number) {
  const Mp = Math.ceil(M / 4) * 4;
  const rowSums = Mp * Kp * 4; // packed A comes first
  const epilogue = rowSums + Mp * 4;
  const scratch = epilogue + epilogueBytes(N); // partial panels, then the widened panel (GEMM)
  return { rowSums, epilogue, scratch, bytes: scratch + 64 + (M > 4 ? Kp * 32 : 0) };
}

/**
 * Packs A (which also scans its codes), checks that the int32 path is exact, then runs the SIMD
 * kernel. Returns null when the Impl must run instead. Allocation may grow (and detach) the memory,
 * so views are made only after the output is allocated.
 */
function runSimd(
  heap: Heap,
  call: HeapCall,
  packed: PackedB,
  inputs: ClipqMatMulInt8Inputs,
  p: Problem,
): TensorInfo | null {
  const { M, K, N, attrs } = p;
  const { Kp } = packed;
  const wasm = heap.exports;
  const aPtr = call.input(inputs.a);
  const zeroPointPtr = call.input(inputs.bZeroPoint);
  const layout = scratchLayout(M, N, Kp);
  const block = call.alloc(layout.bytes);
  const aMin = wasm.packA(aPtr, M, K, attrs.aZeroPoint, Kp, block, block + layout.rowSums);
  const aBounds = K > 0 ? { min: aMin, max: wasm.boundsMax() } : { min: 0, max: 0 };
  const bBounds = { min: packed.codeMin, max: packed.codeMax };
  const zeroPoints = codeBoundsOf(
    wasm,
    zeroPointPtr,
    inputs.bZeroPoint.shape.reduce((x, y) => x * y, 1),
  );
  if (!int8PathIsExact(K, aBounds, attrs.aZeroPoint, bBounds, zeroPoints)) return null;
  countCall(ClipqMatMulInt8, 'simd');
  const out = call.output([M, N], 'float32');
  const hasBias = attrs.hasBias && inputs.bias != null;
  writeEpilogue(heap, block + layout.epilogue, N, {
    aScale: attrs.aScale,
    bScale: columnValues(heap, inputs.bScale, 'float32'),
    bZeroPoint: columnValues(heap, inputs.bZeroPoint, 'int32'),
    bias: hasBias ? columnValues(heap, inputs.bias!, 'float32') : null,
  });
  const padded = Math.ceil(N / 8) * 8 * 4;
  const epilogue = block + layout.epilogue;
  const activation = ACTIVATION_CODES[attrs.activation];
  wasm.setEpilogue(
    epilogue,
    epilogue + padded,
    hasBias ? epilogue + 2 * padded : 0,
    activation,
    block + layout.scratch,
  );
  const rowSums = block + layout.rowSums;
  if (M === 1) wasm.gemv(block, heap.i32(rowSums, 1)[0]!, Kp, packed.ptr, N, out);
  else if (M <= 4) wasm.gemvRows(block, rowSums, M, Kp, packed.ptr, N, out);
  else wasm.gemm(block, rowSums, M, Kp, packed.ptr, N, out);
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
  const problem: Problem = { M, K, N, attrs };
  const heap = heapFor(backend);
  if (!heap || M * N === 0) return implFallback(backend, inputs, problem);
  const packed = packedWeightsOf(heap, inputs.b, K, N, attrs.transposeB);
  if (!packed.ptr) return implFallback(backend, inputs, problem);
  const call = new HeapCall(heap);
  try {
    return runSimd(heap, call, packed, inputs, problem) ?? implFallback(backend, inputs, problem);
  } finally {
    call.end();
  }
}

export const clipqMatMulInt8Config: KernelConfig = {
  kernelName: ClipqMatMulInt8,
  backendName: 'wasm',
  kernelFunc: clipqMatMulInt8 as unknown as KernelFunc,
};
