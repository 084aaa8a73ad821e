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

export function fakeQuantParams(
  backend: WasmBackendLike,
  x: TensorInfo,
  min: TensorInfo,
  max: TensorInfo,
  attrs: FakeQuantCommonAttrs,
): ChannelParamArrays {
  const params = channelParams(
    readFloats(backend, min),
    readFloats(backend, max),
    attrs.bits,
    attrs.narrowRange,
  );
  return {
    nMins: Float32Array.from(params, (p) => p.nudgedMin),
    nMaxs: Float32Array.from(params, (p) => p.nudgedMax),
    scales: Float32Array.from(params, (p) => p.scale),
    layout: channelLayout(x.shape, attrs.perChannel, attrs.axis),
  };
}

/** Addresses of the three parameter arrays, allocated now and written by `write()` after every allocation. */
export function allocParams(call: HeapCall, arrays: ChannelParamArrays) {
  const channels = arrays.scales.length;
  const nMins = call.alloc(channels * 4);
  const nMaxs = call.alloc(channels * 4);
  const scales = call.alloc(channels * 4);
  return {
    nMins,
    nMaxs,
    scales,
    write(): void {
      call.write(nMins, arrays.nMins);
      call.write(nMaxs, arrays.nMaxs);
      call.write(scales, arrays.scales);
    },
  };
}
