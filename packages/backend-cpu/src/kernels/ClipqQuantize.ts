/** Quantize float32 to signed int32 codes on the cpu backend, bit-identical to `quantizeImpl`. */
import { ClipqQuantize, type ClipqQuantizeAttrs, type ClipqQuantizeInputs } from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of } from '../backend_data.js';
import { fusedQuantize } from '../fake_quant/fused_quantize.js';
import { readRange } from '../fake_quant/read_range.js';

export function clipqQuantize(args: {
  inputs: ClipqQuantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqQuantizeAttrs;
  const { x, min, max } = args.inputs;
  const { table, layout } = readRange(backend, x, min, max, attrs, ClipqQuantize);
  const codes = fusedQuantize(
    float32Of(backend, x),
    table,
    layout,
    attrs.bits,
    attrs.rounding ?? 'half-up',
  );
  return backend.makeTensorInfo(x.shape, 'int32', codes);
}

export const clipqQuantizeConfig: KernelConfig = {
  kernelName: ClipqQuantize,
  backendName: 'cpu',
  kernelFunc: clipqQuantize as unknown as KernelFunc,
};
