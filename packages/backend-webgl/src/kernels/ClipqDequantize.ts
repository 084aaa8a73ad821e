/**
 * ClipqDequantize for backend 'webgl': codes to float32, bit-identical to fake-quant's output. Scale and
 * zero point belong to the QuantizedTensor and are on the CPU, so reading them costs nothing.
 */
import {
  ClipqDequantize,
  type ClipqDequantizeAttrs,
  type ClipqDequantizeInputs,
  codeRange,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import {
  env,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { readValues, textureData } from '../gl/webgl_backend.js';
import { DequantizeProgram } from '../programs/dequantize-program.js';
import { packedReadable } from '../programs/quantize-program.js';

export function clipqDequantize(args: {
  inputs: ClipqDequantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqDequantizeAttrs;
  const { codes } = args.inputs;
  const scale = readValues(backend, args.inputs.scale);
  const zeroPoint = readValues(backend, args.inputs.zeroPoint);
  const { codeMin } = codeRange(attrs.bits, attrs.narrowRange);
  const params = new Float32Array(scale.length * 2);
  for (let c = 0; c < scale.length; c++) {
    const s = Math.fround(scale[c]!);
    params[2 * c] = s;
    params[2 * c + 1] = Math.fround((codeMin - zeroPoint[c]!) * s);
  }
  const packed =
    packedReadable(codes.shape.length) &&
    env().getNumber('WEBGL_VERSION') === 2 &&
    textureData(backend, codes.dataId).isPacked;
  const program = new DequantizeProgram(codes.shape, attrs.perChannel, attrs.axis, packed);
  if (program.packedInputs) {
    return backend.runWebGLProgram(program, [codes], 'float32', [
      [codeMin],
      [params[0]!],
      [params[1]!],
    ]);
  }
  // Per tensor this is 2 values, which tfjs passes as uniforms rather than a texture.
  const paramsInfo = backend.makeTensorInfo([scale.length, 2], 'float32', params);
  try {
    return backend.runWebGLProgram(program, [codes, paramsInfo], 'float32', [[codeMin]]);
  } finally {
    backend.disposeIntermediateTensorInfo(paramsInfo);
  }
}

export const clipqDequantizeConfig: KernelConfig = {
  kernelName: ClipqDequantize,
  backendName: 'webgl',
  kernelFunc: clipqDequantize as unknown as KernelFunc,
};
