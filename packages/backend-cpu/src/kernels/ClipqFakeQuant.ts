/** Fused fake-quant forward on the cpu backend: one pass over x, bit-identical to `fakeQuantImpl`. */
import { ClipqFakeQuant, type ClipqFakeQuantAttrs, type ClipqFakeQuantInputs } from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of } from '../backend_data.js';
import { fusedFakeQuant } from '../fake_quant/fused_fake_quant.js';
import { readRange } from '../fake_quant/read_range.js';

export function clipqFakeQuant(args: {
  inputs: ClipqFakeQuantInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqFakeQuantAttrs;
  const { x, min, max } = args.inputs;
  const { table, layout } = readRange(backend, x, min, max, attrs, ClipqFakeQuant);
  const y = fusedFakeQuant(float32Of(backend, x), table, layout, attrs.rounding);
  return backend.makeTensorInfo(x.shape, 'float32', y);
}

export const clipqFakeQuantConfig: KernelConfig = {
  kernelName: ClipqFakeQuant,
  backendName: 'cpu',
  kernelFunc: clipqFakeQuant as unknown as KernelFunc,
};
