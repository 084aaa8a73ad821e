/**
 * ClipqDepthwiseConv2DInt8 on wasm: a direct SIMD loop (4 channels per vector, exact int32
 * accumulation, the matmul's fused epilogue), bit-identical to core's depthwiseConv2dInt8AccImpl +
 * requantizeOutputImpl. Channel multipliers above 1, or accumulators that could leave int32, run
 * core's host-memory direct loop (also exact).
 */
import {
  ClipqDepthwiseConv2DInt8,
  type ClipqDepthwiseConv2DInt8Attrs,
  type ClipqDepthwiseConv2DInt8Inputs,
  convGeometry,
  depthwiseConv2dInt8Direct,
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
import { ACTIVATION_CODES, epilogueBytes } from '../int8/epilogue.js';
import { codeBoundsOf } from '../module/exports.js';
import { countCall } from '../stats.js';

const INT32_LIMIT = 2 ** 31;

type Args = { inputs: ClipqDepthwiseConv2DInt8Inputs; backend: unknown; attrs: NamedAttrMap };

function fallback(args: Args): TensorInfo {
  countCall(ClipqDepthwiseConv2DInt8, 'impl');
  return depthwiseConv2dInt8Direct(
    args as unknown as {
      inputs: ClipqDepthwiseConv2DInt8Inputs;
      backend: KernelBackend;
      attrs: NamedAttrMap;
    },
  );
}

/** Filter codes minus their zero points, [taps][C] int32, and the largest |w − wZeroPoint|. */
function foldedWeights(filter: ArrayLike<number>, zeroPoints: ArrayLike<number>, C: number) {
  const weights = new Int32Array(filter.length);
  let largest = 0;
  for (let i = 0; i < filter.length; i++) {
    const c = i % C;
    weights[i] = filter[i]! - zeroPoints[zeroPoints.length === 1 ? 0 : c]!;
    largest = Math.max(largest, Math.abs(weights[i]!));
  }
  return { weights, largest };
}

export function clipqDepthwiseConv2DInt8(args: Args): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqDepthwiseConv2DInt8Attrs;
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const [kh, kw, C, multiplier] = filter.shape as [number, number, number, number];
  const heap = heapFor(backend);
  if (!heap || multiplier !== 1) return fallback(args);
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  const outShape = [g.batch, g.outHeight, g.outWidth, C];
  const { weights, largest } = foldedWeights(
    backend.readSync(filter.dataId),
    backend.readSync(wZeroPoint.dataId),
    C,
  );
  const call = new HeapCall(heap);
  try {
    const xPtr = call.input(x);
    const xBounds = codeBoundsOf(
      heap.exports,
      xPtr,
      x.shape.reduce((a, b) => a * b, 1),
    );
    const xLargest = Math.max(
      Math.abs(xBounds.min - attrs.xZeroPoint),
      Math.abs(xBounds.max - attrs.xZeroPoint),
    );
    if (kh * kw * xLargest * largest >= INT32_LIMIT || outShape.includes(0)) return fallback(args);
    countCall(ClipqDepthwiseConv2DInt8, 'simd');
    const geometry = convGeometryWords(g);
    const weightsPtr = call.alloc(weights.byteLength);
    const geometryPtr = call.alloc(geometry.byteLength);
    const epilogue = call.alloc(epilogueBytes(C) + 64);
    const hasBias = attrs.hasBias && bias != null;
    const scalePtr = call.input(wScale);
    const zeroPointPtr = call.input(wZeroPoint); // unused by the epilogue here: folded into the weights
    const biasPtr = hasBias ? call.input(bias!) : 0;
    const out = call.output(outShape, 'float32');
    call.write(weightsPtr, weights);
    call.write(geometryPtr, geometry);
    const size = (info: TensorInfo) => info.shape.reduce((a, b) => a * b, 1);
    heap.exports.prepareEpilogue(
      epilogue,
      C,
      Math.ceil(C / 8) * 8,
      attrs.xScale,
      scalePtr,
      size(wScale),
      zeroPointPtr,
      size(wZeroPoint),
      biasPtr,
    );
    const padded = Math.ceil(C / 8) * 8 * 4;
    const activation = ACTIVATION_CODES[attrs.activation];
    heap.exports.setEpilogue(
      epilogue,
      epilogue + padded,
      hasBias ? epilogue + 2 * padded : 0,
      activation,
      epilogue + 3 * padded,
    );
    heap.exports.depthwise(xPtr, weightsPtr, geometryPtr, g.padLeft, attrs.xZeroPoint, out);
    return call.result(out);
  } finally {
    call.end();
  }
}

export const clipqDepthwiseConv2DInt8Config: KernelConfig = {
  kernelName: ClipqDepthwiseConv2DInt8,
  backendName: 'wasm',
  kernelFunc: clipqDepthwiseConv2DInt8 as unknown as KernelFunc,
};
