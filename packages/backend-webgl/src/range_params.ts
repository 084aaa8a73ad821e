/**
 * Nudged range parameters for the fake-quant family, computed on the CPU with core's float32-exact
 * `quantParamsImpl` (min/max are tiny, and core's op has usually read them already to validate them,
 * so tfjs holds their values on the CPU). They reach the GPU as uniforms (per tensor) or as a [C, 4]
 * params tensor (per channel): scale, nudgedMin, nudgedMax, and the signed code of the zero point.
 */
import { codeOffset, quantParamsImpl } from '@clipq/core';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { readValues } from './gl/webgl_backend.js';

export interface RangeParams {
  channels: number;
  /** [C, 4] row-major: scale, nudgedMin, nudgedMax, zeroCode. */
  values: Float32Array;
}

export function rangeParams(
  backend: MathBackendWebGL,
  min: TensorInfo,
  max: TensorInfo,
  bits: number,
  narrowRange: boolean,
): RangeParams {
  const mins = readValues(backend, min);
  const maxs = readValues(backend, max);
  const values = new Float32Array(mins.length * 4);
  const offset = codeOffset(bits);
  for (let c = 0; c < mins.length; c++) {
    const p = quantParamsImpl(mins[c]!, maxs[c]!, bits, narrowRange);
    values.set([p.scale, p.nudgedMin, p.nudgedMax, p.zeroPoint - offset], c * 4);
  }
  return { channels: mins.length, values };
}

/**
 * Runs a range program: per channel, the params tensor is appended to `inputs`; per tensor, the four
 * range uniforms come first in the custom uniform values, before `extraUniforms`.
 */
export function runRangeProgram(
  backend: MathBackendWebGL,
  program: GPGPUProgram,
  inputs: TensorInfo[],
  params: RangeParams,
  perChannel: boolean,
  outputDtype: 'float32' | 'int32',
  extraUniforms: number[][],
  rangeUniformCount = 3,
): TensorInfo {
  if (!perChannel) {
    const range = [...params.values.subarray(0, rangeUniformCount)].map((v) => [v]);
    return backend.runWebGLProgram(program, inputs, outputDtype, [...range, ...extraUniforms]);
  }
  const paramsInfo = backend.makeTensorInfo([params.channels, 4], 'float32', params.values);
  try {
    return backend.runWebGLProgram(program, [...inputs, paramsInfo], outputDtype, extraUniforms);
  } finally {
    backend.disposeIntermediateTensorInfo(paramsInfo);
  }
}
