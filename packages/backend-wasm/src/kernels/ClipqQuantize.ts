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
import { allocParams, fakeQuantParams, readFloats } from '../fake_quant/params.js';
import { HeapCall } from '../heap/call.js';
import { heapFor, type WasmBackendLike } from '../heap/heap.js';
import { countCall } from '../stats.js';

export function clipqQuantize(args: {
  inputs: ClipqQuantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqQuantizeAttrs;
  const { x, min, max } = args.inputs;
  const mins = readFloats(backend, min);
  const maxs = readFloats(backend, max);
  const params = fakeQuantParams(backend, x, min, max, attrs);
  const heap = heapFor(backend);
  if (!heap) {
    countCall(ClipqQuantize, 'impl');
    const { codes } = quantizeImpl(
      readFloats(backend, x),
      mins,
      maxs,
      params.layout,
      attrs.bits,
      attrs.narrowRange,
      attrs.rounding,
    );
    return backend.makeOutput(x.shape, 'int32', undefined, codes);
  }
  countCall(ClipqQuantize, 'simd');
  // Per channel: the code of grid index 0 (qmin − 2^(bits−1)) and the zero point's code.
  const offset = codeOffset(attrs.bits);
  const grid = Array.from(mins, (mn, c) =>
    quantParamsImpl(mn, maxs[c]!, attrs.bits, attrs.narrowRange),
  );
  const bases = Int32Array.from(grid, (p) => p.qmin - offset);
  const zeros = Int32Array.from(grid, (p) => p.zeroPoint - offset);
  const call = new HeapCall(heap);
  try {
    const p = allocParams(call, params);
    const basePtr = call.alloc(bases.byteLength);
    const zeroPtr = call.alloc(zeros.byteLength);
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
    return call.result(out);
  } finally {
    call.end();
  }
}

export const clipqQuantizeConfig: KernelConfig = {
  kernelName: ClipqQuantize,
  backendName: 'wasm',
  kernelFunc: clipqQuantize as unknown as KernelFunc,
};
