/** ClipqQuantize for backend 'webgl': signed int32 codes from one program (exact in float textures). */
import {
  ClipqQuantize,
  type ClipqQuantizeAttrs,
  type ClipqQuantizeInputs,
  codeRange,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { QuantizeProgram } from '../programs/quantize-program.js';
import { rangeParams, runRangeProgram } from '../range_params.js';

export function clipqQuantize(args: {
  inputs: ClipqQuantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqQuantizeAttrs;
  const { x, min, max } = args.inputs;
  const params = rangeParams(backend, min, max, attrs.bits, attrs.narrowRange);
  const program = new QuantizeProgram(x.shape, attrs.perChannel, attrs.axis);
  const halfEven = attrs.rounding === 'half-even' ? 1 : 0;
  // gridIndex counts from the grid's first code, whatever the range: codeBase = codeMin.
  const { codeMin } = codeRange(attrs.bits, attrs.narrowRange);
  return runRangeProgram(
    backend,
    program,
    [x],
    params,
    attrs.perChannel,
    'int32',
    [[halfEven], [codeMin]],
    4,
  );
}

export const clipqQuantizeConfig: KernelConfig = {
  kernelName: ClipqQuantize,
  backendName: 'webgl',
  kernelFunc: clipqQuantize as unknown as KernelFunc,
};
