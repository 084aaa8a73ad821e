/**
 * ClipqDequantize on wasm: SIMD form of `dequantizeImpl` (TF's two-step float32 form). Codes with
 * |code| ≥ 2^23 (never produced by quantize, bits ≤ 16) would not convert to float32 exactly, so such
 * inputs go to the Impl.
 */
import {
  ClipqDequantize,
  type ClipqDequantizeAttrs,
  type ClipqDequantizeInputs,
  channelLayout,
  codeRange,
  dequantizeImpl,
} from '@clipq/core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloats } from '../fake_quant/params.js';
import { HeapCall } from '../heap/call.js';
import { type Heap, heapFor, type WasmBackendLike } from '../heap/heap.js';
import { knownBounds } from '../int8/known_bounds.js';
import { codeBoundsOf } from '../module/exports.js';
import { countCall } from '../stats.js';

const EXACT_CODE = 2 ** 23;

export function clipqDequantize(args: {
  inputs: ClipqDequantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqDequantizeAttrs;
  const { codes } = args.inputs;
  const heap = heapFor(backend);
  const { scales, zeroPoints, nMins } = channelArrays(backend, args.inputs, attrs);
  const layout = channelLayout(codes.shape, attrs.perChannel, attrs.axis);
  const { codeMin } = codeRange(attrs.bits, attrs.narrowRange);
  const size = codes.shape.reduce((a, b) => a * b, 1);
  const call = heap ? new HeapCall(heap) : null;
  try {
    const codesPtr = call?.input(codes) ?? 0;
    if (!heap || !call || !codesConvertExactly(heap, codes, codesPtr, size)) {
      countCall(ClipqDequantize, 'impl');
      const codeValues = Int32Array.from(backend.readSync(codes.dataId));
      const y = dequantizeImpl(
        codeValues,
        scales,
        zeroPoints,
        layout,
        attrs.bits,
        attrs.narrowRange,
      );
      return backend.makeOutput(codes.shape, 'float32', undefined, y);
    }
    countCall(ClipqDequantize, 'simd');
    const scalePtr = call.alloc(scales.byteLength * 2);
    const nMinPtr = scalePtr + scales.byteLength;
    const out = call.output(codes.shape, 'float32');
    call.write(scalePtr, scales);
    call.write(nMinPtr, nMins);
    heap.exports.dequantize(
      codesPtr,
      out,
      layout.outer,
      layout.channels,
      layout.inner,
      scalePtr,
      nMinPtr,
      codeMin,
    );
    return call.result(out);
  } finally {
    call?.end();
  }
}

interface ChannelArrays {
  zeroPoint: object;
  bits: number;
  narrowRange: boolean;
  scales: Float32Array;
  zeroPoints: Int32Array;
  /** f32((codeMin − zeroPoint)·scale) per channel: the value of the smallest code. */
  nMins: Float32Array;
}

/**
 * Per (scale, zeroPoint) tensor pair, read once: the int8 runtime passes the same pair on every call
 * (each range's quantizer owns one, shared by all its activations), as does a QuantizedTensor's
 * `paramTensors()`. tfjs tensors are immutable, and a dataId is never reused, so an entry cannot go stale;
 * it goes with the scale tensor's dataId.
 */
const channels = new WeakMap<object, ChannelArrays>();

function channelArrays(
  backend: WasmBackendLike,
  inputs: ClipqDequantizeInputs,
  attrs: ClipqDequantizeAttrs,
): ChannelArrays {
  const cached = channels.get(inputs.scale.dataId);
  if (
    cached &&
    cached.zeroPoint === inputs.zeroPoint.dataId &&
    cached.bits === attrs.bits &&
    cached.narrowRange === attrs.narrowRange
  )
    return cached;
  const scales = readFloats(backend, inputs.scale);
  const zeroPoints = Int32Array.from(backend.readSync(inputs.zeroPoint.dataId));
  const entry = arraysFor(scales, zeroPoints, inputs, attrs);
  channels.set(inputs.scale.dataId, entry);
  return entry;
}

function arraysFor(
  scales: Float32Array,
  zeroPoints: Int32Array,
  inputs: ClipqDequantizeInputs,
  attrs: ClipqDequantizeAttrs,
): ChannelArrays {
  const { codeMin } = codeRange(attrs.bits, attrs.narrowRange);
  return {
    zeroPoint: inputs.zeroPoint.dataId,
    bits: attrs.bits,
    narrowRange: attrs.narrowRange,
    scales,
    zeroPoints,
    nMins: Float32Array.from(scales, (s, c) => Math.fround((codeMin - zeroPoints[c]!) * s)),
  };
}

function codesConvertExactly(
  heap: Heap,
  codes: TensorInfo,
  codesPtr: number,
  size: number,
): boolean {
  if (size === 0) return true;
  const { min, max } = knownBounds(codes) ?? codeBoundsOf(heap.exports, codesPtr, size);
  return min > -EXACT_CODE && max < EXACT_CODE;
}

export const clipqDequantizeConfig: KernelConfig = {
  kernelName: ClipqDequantize,
  backendName: 'wasm',
  kernelFunc: clipqDequantize as unknown as KernelFunc,
};
