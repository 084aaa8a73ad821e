/**
 * Per-channel fake-quant parameters for the SIMD kernels, computed on the host by core's
 * `channelParams` (TF's float32 nudge) so that the kernels and the Impl start from identical values.
 */
import {
  type ChannelLayout,
  channelLayout,
  channelParams,
  type FakeQuantCommonAttrs,
} from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { HeapCall } from '../heap/call.js';
import type { WasmBackendLike } from '../heap/heap.js';

export interface ChannelParamArrays {
  nMins: Float32Array;
  nMaxs: Float32Array;
  scales: Float32Array;
  layout: ChannelLayout;
}

export function readFloats(backend: WasmBackendLike, info: TensorInfo): Float32Array {
  return Float32Array.from(backend.readSync(info.dataId));
}

export interface RangeParams {
  max: object;
  bits: number;
  narrowRange: boolean;
  mins: Float32Array;
  maxs: Float32Array;
  nMins: Float32Array;
  nMaxs: Float32Array;
  scales: Float32Array;
}

/**
 * Range parameters per (min, max) tensor pair: tfjs tensors are immutable, and the int8 runtime and QAT
 * layers pass the same range tensors on every call, so the read-back and the nudge run once (they
 * were most of ClipqQuantize's ~10 µs fixed cost per call).
 */
const ranges = new WeakMap<object, RangeParams>();

export function rangeParams(
  backend: WasmBackendLike,
  min: TensorInfo,
  max: TensorInfo,
  bits: number,
  narrowRange: boolean,
): RangeParams {
  const cached = ranges.get(min.dataId);
  if (
    cached &&
    cached.max === max.dataId &&
    cached.bits === bits &&
    cached.narrowRange === narrowRange
  )
    return cached;
  const mins = readFloats(backend, min);
  const maxs = readFloats(backend, max);
  const params = channelParams(mins, maxs, bits, narrowRange);
  const entry: RangeParams = {
    max: max.dataId,
    bits,
    narrowRange,
    mins,
    maxs,
    nMins: Float32Array.from(params, (p) => p.nudgedMin),
    nMaxs: Float32Array.from(params, (p) => p.nudgedMax),
    scales: Float32Array.from(params, (p) => p.scale),
  };
  ranges.set(min.dataId, entry);
  return entry;
}

export function fakeQuantParams(
  backend: WasmBackendLike,
  x: TensorInfo,
  min: TensorInfo,
  max: TensorInfo,
  attrs: FakeQuantCommonAttrs,
): ChannelParamArrays {
  const range = rangeParams(backend, min, max, attrs.bits, attrs.narrowRange);
  return {
    nMins: range.nMins,
    nMaxs: range.nMaxs,
    scales: range.scales,
    layout: channelLayout(x.shape, attrs.perChannel, attrs.axis),
  };
}

/** Addresses of the three parameter arrays (one allocation), written by `write()` after every allocation. */
export function allocParams(call: HeapCall, arrays: ChannelParamArrays) {
  const bytes = arrays.scales.length * 4;
  const nMins = call.alloc(bytes * 3);
  return {
    nMins,
    nMaxs: nMins + bytes,
    scales: nMins + 2 * bytes,
    write(): void {
      call.write(nMins, arrays.nMins);
      call.write(nMins + bytes, arrays.nMaxs);
      call.write(nMins + 2 * bytes, arrays.scales);
    },
  };
}
