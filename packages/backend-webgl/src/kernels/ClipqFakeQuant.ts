/** ClipqFakeQuant for backend 'webgl': one fused program instead of the ~20 ops of the composite. */
import { ClipqFakeQuant, type ClipqFakeQuantAttrs, type ClipqFakeQuantInputs } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { FakeQuantProgram } from '../programs/fake-quant-program.js';
import { nudgedRanges } from '../range_params.js';

export function clipqFakeQuant(args: {
  inputs: ClipqFakeQuantInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqFakeQuantAttrs;
  const { x, min, max } = args.inputs;
  const ranges = nudgedRanges(backend, min, max, attrs);
  try {
    const program = new FakeQuantProgram(x.shape, attrs.perChannel, attrs.axis, ranges.source);
    return backend.runWebGLProgram(program, [x, ...ranges.inputs], 'float32', ranges.uniforms);
  } finally {
    ranges.dispose();
  }
}

export const clipqFakeQuantConfig: KernelConfig = {
  kernelName: ClipqFakeQuant,
  backendName: 'webgl',
  kernelFunc: clipqFakeQuant as unknown as KernelFunc,
};
