/** ClipqQuantize on wasm: SIMD signed codes, identical to `quantizeImpl`. */
import {
  ClipqQuantize,
  type ClipqQuantizeAttrs,
  type ClipqQuantizeInputs,
  codeOffset,
  quantizeImpl,
  quantParamsImpl,
} from '@clipq/core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import {
  allocParams,
  fakeQuantParams,
  type RangeParams,
  rangeParams,
  readFloats,
} from '../fake_quant/params.js';
import { HeapCall } from '../heap/call.js';
import { heapFor, type WasmBackendLike } from '../heap/heap.js';
import { recordBounds } from '../int8/known_bounds.js';
import { countCall } from '../stats.js';

export function clipqQuantize(args: {
  inputs: ClipqQuantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqQuantizeAttrs;
  const { x, min, max } = args.inputs;
  const params = fakeQuantParams(backend, x, min, max, attrs);
  const range = rangeParams(backend, min, max, attrs.bits, attrs.narrowRange);
  const heap = heapFor(backend);
  if (!heap) {
    countCall(ClipqQuantize, 'impl');
    const { codes } = quantizeImpl(
      readFloats(backend, x),
      range.mins,
      range.maxs,
      params.layout,
      attrs.bits,
      attrs.narrowRange,
      attrs.rounding,
    );
    return backend.makeOutput(x.shape, 'int32', undefined, codes);
  }
  countCall(ClipqQuantize, 'simd');
  const { bases, zeros } = codeParams(range, attrs.bits, attrs.narrowRange);
  const call = new HeapCall(heap);
  try {
    const p = allocParams(call, params);
    const basePtr = call.alloc(bases.byteLength * 2);
    const zeroPtr = basePtr + bases.byteLength;
    const xPtr = call.input(x);
    const out = call.output(x.shape, 'int32');
    p.write();
    call.write(basePtr, bases);
    call.write(zeroPtr, zeros);
    const { outer, channels, inner } = params.layout;
    const halfEven = attrs.rounding === 'half-even' ? 1 : 0;
    heap.exports.quantize(
      xPtr,
      out,
      outer,
      channels,
      inner,
      p.nMins,
      p.nMaxs,
      p.scales,
      halfEven,
      basePtr,
      zeroPtr,
    );
    const result = call.result(out);
    // Codes are grid index + base: within [−2^(bits−1), 2^(bits−1) − 1], zero-point codes included
    // (recorded one wider on each side, in case a rounding lands one past the grid).
    recordBounds(result, { min: -(2 ** (attrs.bits - 1)) - 1, max: 2 ** (attrs.bits - 1) });
    return result;
  } finally {
    call.end();
  }
}

/** Per channel: the code of grid index 0 (qmin − 2^(bits−1)) and the zero point's code; cached per range. */
const codeCache = new WeakMap<object, { bases: Int32Array; zeros: Int32Array }>();

function codeParams(range: RangeParams, bits: number, narrowRange: boolean) {
  const cached = codeCache.get(range);
  if (cached) return cached;
  const offset = codeOffset(bits);
  const grid = Array.from(range.mins, (mn, c) =>
    quantParamsImpl(mn, range.maxs[c]!, bits, narrowRange),
  );
  const entry = {
    bases: Int32Array.from(grid, (p) => p.qmin - offset),
    zeros: Int32Array.from(grid, (p) => p.zeroPoint - offset),
  };
  codeCache.set(range, entry);
  return entry;
}

export const clipqQuantizeConfig: KernelConfig = {
  kernelName: ClipqQuantize,
  backendName: 'wasm',
  kernelFunc: clipqQuantize as unknown as KernelFunc,
};
