/** ClipqQuantize for backend 'webgl': signed int32 codes from one program (exact in float textures). */
import {
  ClipqQuantize,
  type ClipqQuantizeAttrs,
  type ClipqQuantizeInputs,
  codeOffset,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import {
  env,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { textureData } from '../gl/webgl_backend.js';
import { packedReadable, QuantizeProgram } from '../programs/quantize-program.js';
import { nudgedRanges } from '../range_params.js';

export function clipqQuantize(args: {
  inputs: ClipqQuantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqQuantizeAttrs;
  const { x, min, max } = args.inputs;
  const ranges = nudgedRanges(backend, min, max, attrs);
  try {
    // Per tensor, a packed input (clipq's conv and matmul outputs) is read in place on WebGL2.
    const packed =
      !attrs.perChannel &&
      packedReadable(x.shape.length) &&
      env().getNumber('WEBGL_VERSION') === 2 &&
      textureData(backend, x.dataId).isPacked;
    const program = new QuantizeProgram(
      x.shape,
      attrs.perChannel,
      attrs.axis,
      ranges.source,
      packed,
    );
    const uniforms = [...ranges.uniforms, [codeOffset(attrs.bits)]];
    return backend.runWebGLProgram(program, [x, ...ranges.inputs], 'int32', uniforms);
  } finally {
    ranges.dispose();
  }
}

export const clipqQuantizeConfig: KernelConfig = {
  kernelName: ClipqQuantize,
  backendName: 'webgl',
  kernelFunc: clipqQuantize as unknown as KernelFunc,
};
