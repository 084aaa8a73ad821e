/**
 * ClipqDepthwiseConv2DInt8 on wasm: a direct SIMD loop (4 channels per vector, weights held in
 * registers along each output row, exact int32 accumulation, the matmul's fused epilogue; see
 * src/as/depthwise.ts), bit-identical to core's depthwiseConv2dInt8AccImpl +
 * requantizeOutputImpl. Channel multipliers above 1, or accumulators that could leave int32, run
 * core's host-memory direct loop (also exact). With `attrs.pinnedWeights` there is no `filter`
 * input: the weights are folded from the pinned int8 codes instead.
 */
import {
  ClipqDepthwiseConv2DInt8,
  type ClipqDepthwiseConv2DInt8Attrs,
  type ClipqDepthwiseConv2DInt8Inputs,
  convGeometry,
  depthwiseConv2dInt8Direct,
  weightShape,
} from '@clipq/core';
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { HeapCall } from '../heap/call.js';
import { heapFor, type WasmBackendLike } from '../heap/heap.js';
import { convGeometryWords } from '../int8/conv_geometry_words.js';
import {
  convEpilogueSpec,
  elementCount,
  epilogueBytes,
  outputDtype,
  setupEpilogue,
} from '../int8/epilogue.js';
import { knownBounds, recordBounds, requantizedBounds } from '../int8/known_bounds.js';
import {
  type PinnedWeights,
  pinnedWeightsFor,
  withPinnedCodesTensor,
} from '../int8/pinned_weights.js';
import { codeBoundsOf } from '../module/exports.js';
import { countCall } from '../stats.js';

const INT32_LIMIT = 2 ** 31;

type Args = { inputs: ClipqDepthwiseConv2DInt8Inputs; backend: unknown; attrs: NamedAttrMap };

type CoreArgs = {
  inputs: ClipqDepthwiseConv2DInt8Inputs;
  backend: KernelBackend;
  attrs: NamedAttrMap;
};

function fallback(args: Args, pinned: PinnedWeights | null): TensorInfo {
  countCall(ClipqDepthwiseConv2DInt8, 'impl');
  if (!pinned) return depthwiseConv2dInt8Direct(args as unknown as CoreArgs);
  // Core's direct loop takes a filter input: the pinned codes as a temporary tensor.
  const attrs = { ...args.attrs, pinnedWeights: null };
  return withPinnedCodesTensor(args.backend as WasmBackendLike, pinned, pinned.shape, (filter) =>
    depthwiseConv2dInt8Direct({
      ...args,
      inputs: { ...args.inputs, filter },
      attrs,
    } as unknown as CoreArgs),
  );
}

export function clipqDepthwiseConv2DInt8(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqDepthwiseConv2DInt8Attrs;
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const heap = heapFor(backend);
  const pinnedAttr = attrs.pinnedWeights ?? null;
  // Pinned weights: no filter input; the pinned entry holds the codes as int8 [kh·kw][C].
  const pinned = pinnedAttr ? pinnedWeightsFor(heap, ClipqDepthwiseConv2DInt8, pinnedAttr) : null;
  const filterShape = weightShape(ClipqDepthwiseConv2DInt8, filter, pinnedAttr);
  const [kh, kw, C, multiplier] = filterShape as [number, number, number, number];
  if (!heap || multiplier !== 1) return fallback(args, pinned);
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  const outShape = [g.batch, g.outHeight, g.outWidth, C];
  if (outShape.includes(0)) return fallback(args, pinned);
  const wasm = heap.exports;
  const call = new HeapCall(heap);
  try {
    const xPtr = call.input(x);
    const filterPtr = pinned ? pinned.int8Ptr : call.input(filter);
    const zeroPointPtr = call.input(wZeroPoint);
    const scalePtr = call.input(wScale);
    const hasBias = attrs.hasBias && bias != null;
    const biasPtr = hasBias ? call.input(bias!) : 0;
    // One scratch block: folded weights [taps][C] i32, geometry (13 i32), epilogue arrays, 64 bytes,
    // and a row of zero-point codes for the taps above and below the image.
    const weightBytes = kh * kw * C * 4;
    const epilogueEnd = weightBytes + 64 + epilogueBytes(C);
    const scratch = call.alloc(epilogueEnd + g.inWidth * C * 4 + 16);
    const weightsPtr = scratch;
    const geometryPtr = scratch + weightBytes;
    const epilogue = geometryPtr + 64;
    const largest = wasm.foldWeights(
      filterPtr,
      pinned ? 1 : 4,
      kh * kw,
      C,
      zeroPointPtr,
      elementCount(wZeroPoint),
      weightsPtr,
    );
    const xBounds = knownBounds(x) ?? codeBoundsOf(wasm, xPtr, elementCount(x));
    const xLargest = Math.max(
      Math.abs(xBounds.min - attrs.xZeroPoint),
      Math.abs(xBounds.max - attrs.xZeroPoint),
    );
    if (kh * kw * xLargest * largest >= INT32_LIMIT) return fallback(args, pinned);
    countCall(ClipqDepthwiseConv2DInt8, 'simd');
    const out = call.output(outShape, outputDtype(attrs.requantize));
    call.write(geometryPtr, convGeometryWords(g));
    setupEpilogue(
      wasm,
      epilogue,
      convEpilogueSpec(C, attrs, { wScale, wZeroPoint }, { scalePtr, zeroPointPtr, biasPtr }),
    );
    wasm.depthwise(
      xPtr,
      weightsPtr,
      geometryPtr,
      g.padLeft,
      attrs.xZeroPoint,
      out,
      scratch + epilogueEnd,
    );
    const result = call.result(out);
    if (attrs.requantize) recordBounds(result, requantizedBounds(attrs.requantize));
    return result;
  } finally {
    call.end();
  }
}

export const clipqDepthwiseConv2DInt8Config: KernelConfig = {
  kernelName: ClipqDepthwiseConv2DInt8,
  backendName: 'wasm',
  kernelFunc: clipqDepthwiseConv2DInt8 as unknown as KernelFunc,
};
