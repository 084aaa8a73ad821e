/** ClipqDequantize for backend 'webgl': codes to float32, bit-identical to fake-quant's output. */
import {
  ClipqDequantize,
  type ClipqDequantizeAttrs,
  type ClipqDequantizeInputs,
  codeRange,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { readValues } from '../gl/webgl_backend.js';
import { DequantizeProgram } from '../programs/dequantize-program.js';
import { runRangeProgram } from '../range_params.js';

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
  const values = new Float32Array(scale.length * 4);
  for (let c = 0; c < scale.length; c++) {
    const s = Math.fround(scale[c]!);
    values[c * 4] = s;
    values[c * 4 + 1] = Math.fround((codeMin - zeroPoint[c]!) * s);
  }
  const program = new DequantizeProgram(codes.shape, attrs.perChannel, attrs.axis);
  const params = { channels: scale.length, values };
  return runRangeProgram(
    backend,
    program,
    [codes],
    params,
    attrs.perChannel,
    'float32',
    [[codeMin]],
    2,
  );
}

export const clipqDequantizeConfig: KernelConfig = {
  kernelName: ClipqDequantize,
  backendName: 'webgl',
  kernelFunc: clipqDequantize as unknown as KernelFunc,
};
