/**
 * ClipqConv2DInt8 on wasm: im2col in clipq.wasm into the GEMM's packed-A layout, one L2-sized chunk of
 * output pixels at a time (padding is the input zero point, i.e. 0 after subtracting it), each chunk
 * multiplied by this package's int8 GEMM with the filter viewed
 * as [kh·kw·Cin, Cout], packed once per filter in the wasm heap. A 1×1, stride-1, unpadded convolution
 * packs the input codes directly. Bit-identical to core's conv2dInt8AccImpl + requantizeOutputImpl;
 * codes outside the exact int32 range use core's host-memory path (also exact). With
 * `attrs.pinnedWeights` there is no `filter` input: the GEMM and the direct conv read the pinned
 * panels.
 */
import {
  ClipqConv2DInt8,
  type ClipqConv2DInt8Attrs,
  type ClipqConv2DInt8Inputs,
  conv2dInt8ViaMatMul,
  convGeometry,
  weightShape,
  withFusedMaxPool,
} from '@clipq/core';
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { HeapCall } from '../heap/call.js';
import { type Heap, heapFor, type WasmBackendLike } from '../heap/heap.js';
import { directConvApplies, runDirectConv } from '../int8/conv_direct_call.js';
import { convGeometryWords } from '../int8/conv_geometry_words.js';
import { paddedGemmApplies, runPaddedGemmConv } from '../int8/conv_padded_call.js';
import { elementCount } from '../int8/epilogue.js';
import { convolveAndPool, fusedMaxPoolOf } from '../int8/fused_max_pool.js';
import { codesGemm, type Int8GemmProblem, type RunGemm, runInt8Gemm } from '../int8/gemm_call.js';
import { packedWeightsOf } from '../int8/packed_weights.js';
import {
  type PinnedWeights,
  pinnedWeightsFor,
  withPinnedCodesTensor,
} from '../int8/pinned_weights.js';
import { countCall } from '../stats.js';

/**
 * im2col reads up to 28 bytes past the end of the input; when the input ends that close to the end of
 * the memory (practically never: tfjs's allocator keeps a top chunk), run on a copy with slack.
 */
function readableWithSlack(heap: Heap, call: HeapCall, ptr: number, bytes: number): number {
  if (ptr + bytes + 32 <= heap.memory.buffer.byteLength) return ptr;
  const copy = call.alloc(bytes + 32);
  new Uint8Array(heap.memory.buffer).copyWithin(copy, ptr, ptr + bytes);
  return copy;
}

type Args = { inputs: ClipqConv2DInt8Inputs; backend: unknown; attrs: NamedAttrMap };

function fallback(args: Args, pinned: PinnedWeights | null): TensorInfo {
  countCall(ClipqConv2DInt8, 'impl');
  if (!pinned) return conv2dInt8ViaMatMul(args as Args & { backend: KernelBackend });
  // Core's im2col + matmul takes a filter input: the pinned codes as a temporary tensor.
  const attrs = { ...args.attrs, pinnedWeights: null };
  return withPinnedCodesTensor(args.backend as WasmBackendLike, pinned, pinned.shape, (filter) =>
    conv2dInt8ViaMatMul({
      ...args,
      inputs: { ...args.inputs, filter },
      attrs,
    } as unknown as Args & { backend: KernelBackend }),
  );
}

export function clipqConv2DInt8(args: Args): TensorInfo {
  const pool = fusedMaxPoolOf(args.attrs);
  if (!pool) return convolve(args, false)!;
  return convolveAndPool(args, pool, (pooled) =>
    convolve(
      { ...args, attrs: { ...args.attrs, fusedMaxPool: null } as unknown as NamedAttrMap },
      pooled,
    ),
  );
}

/**
 * The convolution; `pooled` asks for the 2×2 max pool fused into the direct or padded-image kernels
 * (the caller checked the pool and the multipliers), and returns null when neither applies.
 */
function convolve(args: Args, pooled: boolean): TensorInfo | null {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const heap = heapFor(backend);
  const pinnedAttr = attrs.pinnedWeights ?? null;
  // Pinned weights: no filter input; the panels in the pinned entry are the only copy.
  const pinned = pinnedAttr ? pinnedWeightsFor(heap, ClipqConv2DInt8, pinnedAttr) : null;
  const filterShape = weightShape(ClipqConv2DInt8, filter, pinnedAttr);
  const [kh, kw, C, N] = filterShape as [number, number, number, number];
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  const M = g.batch * g.outHeight * g.outWidth;
  const K = kh * kw * C;
  if (pooled && (!heap || M * N === 0 || !(directConvApplies(g, N) || paddedGemmApplies(g))))
    return null;
  if (!heap || M * N === 0) return fallback(args, pinned);
  if (directConvApplies(g, N)) {
    const call = new HeapCall(heap);
    try {
      // The direct kernel reads the input exactly (it pads a copy of each image first).
      const xPtr = call.input(x);
      const direct = {
        x,
        filterPtr: pinned ? pinned.panels!.ptr : call.input(filter),
        panelPairs: pinned ? pinned.panels!.Kp : 0,
        wScale,
        wZeroPoint,
        bias: attrs.hasBias && bias ? bias : null,
      };
      const out = runDirectConv(heap, call, xPtr, g, N, direct, attrs, pooled);
      if (!out) return pooled ? null : fallback(args, pinned);
      countCall(ClipqConv2DInt8, 'simd');
      return out;
    } finally {
      call.end();
    }
  }
  const packed = pinned ? pinned.panels! : packedWeightsOf(heap, filter, K, N, false);
  if (!packed.ptr) return pooled ? null : fallback(args, pinned);
  const pointwise =
    kh === 1 &&
    kw === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0;
  const call = new HeapCall(heap);
  try {
    if (!pointwise && paddedGemmApplies(g)) {
      const bias = attrs.hasBias && args.inputs.bias ? args.inputs.bias : null;
      const padded = { x, xPtr: call.input(x), packed, wScale, wZeroPoint, bias };
      const out = runPaddedGemmConv(heap, call, g, N, padded, attrs, pooled);
      if (out) {
        countCall(ClipqConv2DInt8, 'simd');
        return out;
      }
    }
    if (pooled) return null;
    const xPtr = readableWithSlack(heap, call, call.input(x), elementCount(x) * 4);
    const geometryPtr = pointwise ? 0 : call.alloc(64);
    if (!pointwise) call.write(geometryPtr, convGeometryWords(g));
    const problem: Int8GemmProblem = {
      M,
      K,
      N,
      aScale: attrs.xScale,
      aZeroPoint: attrs.xZeroPoint,
      activation: attrs.activation,
      bScale: wScale,
      bZeroPoint: wZeroPoint,
      bias: attrs.hasBias && bias ? bias : null,
      outShape: [g.batch, g.outHeight, g.outWidth, N],
      requantize: attrs.requantize ?? null,
    };
    const wasm = heap.exports;
    const run: RunGemm = pointwise
      ? codesGemm(heap, xPtr, packed, problem)
      : (s) =>
          wasm.gemmPatches(
            xPtr,
            geometryPtr,
            g.padLeft,
            attrs.xZeroPoint,
            packed.Kp,
            packed.ptr,
            N,
            s.out,
            s.chunk,
            s.chunkRows,
            s.rowBuffer,
          );
    const out = runInt8Gemm(heap, call, packed, problem, run);
    if (!out) return fallback(args, pinned);
    countCall(ClipqConv2DInt8, 'simd');
    return out;
  } finally {
    call.end();
  }
}

/**
 * Marked `withFusedMaxPool`: this kernel honours `attrs.fusedMaxPool` (src/int8/fused_max_pool.ts), so
 * core's int8 runtime passes it the Conv2D → MaxPooling2D pair in one call.
 */
export const clipqConv2DInt8Config: KernelConfig = {
  kernelName: ClipqConv2DInt8,
  backendName: 'wasm',
  kernelFunc: withFusedMaxPool(clipqConv2DInt8 as unknown as KernelFunc),
};
