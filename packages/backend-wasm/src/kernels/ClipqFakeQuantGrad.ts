/**
 * ClipqFakeQuantGrad on wasm: dx with SIMD; the per-channel float64 sums come back from clipq.wasm and
 * are finished here exactly as `fakeQuantGradImpl` does (rounding term / width, times gradScale).
 */
import {
  ClipqFakeQuantGrad,
  type ClipqFakeQuantGradAttrs,
  type ClipqFakeQuantGradInputs,
  fakeQuantGradImpl,
} from '@clipq/core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocParams, fakeQuantParams, readFloats } from '../fake_quant/params.js';
import { HeapCall } from '../heap/call.js';
import { heapFor, type WasmBackendLike } from '../heap/heap.js';
import { countCall } from '../stats.js';

/** dmin = (below − r)·gradScale, dmax = (above + r)·gradScale with r = rounding / (max − min). */
function rangeGradients(
  sums: Float64Array,
  mins: Float32Array,
  maxs: Float32Array,
  attrs: ClipqFakeQuantGradAttrs,
) {
  const channels = mins.length;
  const dmin = new Float32Array(channels);
  const dmax = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const width = Math.fround(maxs[c]! - mins[c]!);
    const r = attrs.rangeGradient === 'full' && width > 0 ? sums[2 * channels + c]! / width : 0;
    dmin[c] = (sums[c]! - r) * attrs.gradScale;
    dmax[c] = (sums[channels + c]! + r) * attrs.gradScale;
  }
  return { dmin, dmax };
}

export function clipqFakeQuantGrad(args: {
  inputs: ClipqFakeQuantGradInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqFakeQuantGradAttrs;
  const { dy, x, min, max } = args.inputs;
  const mins = readFloats(backend, min);
  const maxs = readFloats(backend, max);
  const params = fakeQuantParams(backend, x, min, max, attrs);
  const heap = heapFor(backend);
  if (!heap) {
    countCall(ClipqFakeQuantGrad, 'impl');
    const r = fakeQuantGradImpl(
      readFloats(backend, dy),
      readFloats(backend, x),
      mins,
      maxs,
      params.layout,
      attrs.bits,
      attrs.narrowRange,
      attrs.rounding,
      attrs.rangeGradient,
      attrs.gradScale,
    );
    return [
      backend.makeOutput(x.shape, 'float32', undefined, r.dx),
      backend.makeOutput(min.shape, 'float32', undefined, r.dmin),
      backend.makeOutput(min.shape, 'float32', undefined, r.dmax),
    ];
  }
  countCall(ClipqFakeQuantGrad, 'simd');
  const call = new HeapCall(heap);
  try {
    const { outer, channels, inner } = params.layout;
    const p = allocParams(call, params);
    const sums = call.alloc(3 * channels * 8);
    const dyPtr = call.input(dy);
    const xPtr = call.input(x);
    const dx = call.output(x.shape, 'float32');
    p.write();
    call.write(sums, new Float64Array(3 * channels));
    const halfEven = attrs.rounding === 'half-even' ? 1 : 0;
    const full = attrs.rangeGradient === 'full' ? 1 : 0;
    heap.exports.fakeQuantGrad(
      dyPtr,
      xPtr,
      dx,
      outer,
      channels,
      inner,
      p.nMins,
      p.nMaxs,
      p.scales,
      halfEven,
      full,
      sums,
    );
    const { dmin, dmax } = rangeGradients(heap.f64(sums, 3 * channels).slice(), mins, maxs, attrs);
    const dxInfo = call.result(dx);
    return [
      dxInfo,
      backend.makeOutput(min.shape, 'float32', undefined, dmin),
      backend.makeOutput(min.shape, 'float32', undefined, dmax),
    ];
  } finally {
    call.end();
  }
}

export const clipqFakeQuantGradConfig: KernelConfig = {
  kernelName: ClipqFakeQuantGrad,
  backendName: 'wasm',
  kernelFunc: clipqFakeQuantGrad as unknown as KernelFunc,
};
