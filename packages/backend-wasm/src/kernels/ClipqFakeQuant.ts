/** ClipqFakeQuant on wasm: SIMD fake-quant over tfjs-wasm's heap, bit-identical to `fakeQuantImpl`. */
import {
  ClipqFakeQuant,
  type ClipqFakeQuantAttrs,
  type ClipqFakeQuantInputs,
  fakeQuantImpl,
} from '@clipq/core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { allocParams, fakeQuantParams, readFloats } from '../fake_quant/params.js';
import { HeapCall } from '../heap/call.js';
import { heapFor, type WasmBackendLike } from '../heap/heap.js';
import { countCall } from '../stats.js';

export function clipqFakeQuant(args: {
  inputs: ClipqFakeQuantInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const attrs = args.attrs as unknown as ClipqFakeQuantAttrs;
  const { x, min, max } = args.inputs;
  const params = fakeQuantParams(backend, x, min, max, attrs);
  const heap = heapFor(backend);
  if (!heap) {
    countCall(ClipqFakeQuant, 'impl');
    const y = fakeQuantImpl(
      readFloats(backend, x),
      readFloats(backend, min),
      readFloats(backend, max),
      params.layout,
      attrs.bits,
      attrs.narrowRange,
      attrs.rounding,
    );
    return backend.makeOutput(x.shape, 'float32', undefined, y);
  }
  countCall(ClipqFakeQuant, 'simd');
  const call = new HeapCall(heap);
  try {
    const p = allocParams(call, params);
    const xPtr = call.input(x);
    const out = call.output(x.shape, 'float32');
    p.write();
    const { outer, channels, inner } = params.layout;
    heap.exports.fakeQuant(
      xPtr,
      out,
      outer,
      channels,
      inner,
      p.nMins,
      p.nMaxs,
      p.scales,
      attrs.rounding === 'half-even' ? 1 : 0,
    );
    return call.result(out);
  } finally {
    call.end();
  }
}

export const clipqFakeQuantConfig: KernelConfig = {
  kernelName: ClipqFakeQuant,
  backendName: 'wasm',
  kernelFunc: clipqFakeQuant as unknown as KernelFunc,
};
