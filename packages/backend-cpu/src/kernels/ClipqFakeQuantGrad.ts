/** Fused fake-quant backward on the cpu backend: dx, dmin and dmax in one pass over x and dy. */
import {
  ClipqFakeQuantGrad,
  type ClipqFakeQuantGradAttrs,
  type ClipqFakeQuantGradInputs,
} from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of } from '../backend_data.js';
import { fusedFakeQuantGrad } from '../fake_quant/fused_fake_quant_grad.js';
import { readRange } from '../fake_quant/read_range.js';

export function clipqFakeQuantGrad(args: {
  inputs: ClipqFakeQuantGradInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo[] {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqFakeQuantGradAttrs;
  const { dy, x, min, max } = args.inputs;
  const { mins, maxs, table, layout } = readRange(backend, x, min, max, attrs, ClipqFakeQuantGrad);
  const { dx, dmin, dmax } = fusedFakeQuantGrad(
    float32Of(backend, dy),
    float32Of(backend, x),
    mins,
    maxs,
    table,
    layout,
    attrs.rounding,
    attrs.rangeGradient,
    attrs.gradScale,
  );
  return [
    backend.makeTensorInfo(x.shape, 'float32', dx),
    backend.makeTensorInfo(min.shape, 'float32', dmin),
    backend.makeTensorInfo(max.shape, 'float32', dmax),
  ];
}

export const clipqFakeQuantGradConfig: KernelConfig = {
  kernelName: ClipqFakeQuantGrad,
  backendName: 'cpu',
  kernelFunc: clipqFakeQuantGrad as unknown as KernelFunc,
};
