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
  const { scales, zeroPoints, nMins } = channelArrays(backend, heap, args.inputs, attrs);
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

/** Per (scale, zeroPoint) tensor pair (immutable, reused on every call by the runtime): read once. */
const channels = new WeakMap<object, ChannelArrays>();

/**
 * Per-tensor parameters by value: the int8 runtime dequantizes each prediction's output with new
 * scale/zero-point tensors holding the same two numbers, which missed the cache above every call.
 */
const scalars = new Map<number, Map<number, ChannelArrays>>();

function channelArrays(
  backend: WasmBackendLike,
  heap: Heap | null,
  inputs: ClipqDequantizeInputs,
  attrs: ClipqDequantizeAttrs,
): ChannelArrays {
  if (heap?.zeroCopy && inputs.scale.shape.length <= 1 && inputs.zeroPoint.shape.length <= 1) {
    const scaleAt = heap.offsetOf(inputs.scale);
    const zeroPointAt = heap.offsetOf(inputs.zeroPoint);
    if (sizeOf(inputs.scale) === 1 && sizeOf(inputs.zeroPoint) === 1) {
      const scale = heap.f32(scaleAt, 1)[0]!;
      const zeroPoint = heap.i32(zeroPointAt, 1)[0]!;
      // Map keys equate -0 with 0, whose nMin differs in the sign of a zero: -0 is not cached.
      const byScale = Object.is(scale, -0) ? new Map() : (scalars.get(scale) ?? new Map());
      const key = zeroPoint * 64 + attrs.bits * 2 + (attrs.narrowRange ? 1 : 0);
      let entry = byScale.get(key);
      if (!entry) {
        if (scalars.size >= 256) scalars.clear();
        entry = arraysFor(Float32Array.of(scale), Int32Array.of(zeroPoint), inputs, attrs);
        byScale.set(key, entry);
        if (!Object.is(scale, -0)) scalars.set(scale, byScale);
      }
      return entry;
    }
  }
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

function sizeOf(info: TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
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
