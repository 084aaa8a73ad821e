/**
 * Ranges for the fake-quant family. Programs take min/max as inputs and nudge them in the shader
 * (`rangeInputs`); the raw WebGL2 range-gradient passes take a params texture built here on the CPU
 * with core's float32-exact `quantParamsImpl` (scale, nudgedMin, nudgedMax, zero point's code).
 */
import { codeOffset, quantParamsImpl } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { type TensorInfo, util } from '@tensorflow/tfjs-core';

const { sizeFromShape } = util;

import { readValues, reshapedView } from './gl/webgl_backend.js';

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
 * min and max as 1-D [C] inputs of a range program (C = 1 per tensor), whatever their rank; packed
 * textures are unpacked first. Call `dispose()` after the program ran.
 */
export function rangeInputs(
  backend: MathBackendWebGL,
  min: TensorInfo,
  max: TensorInfo,
): { infos: TensorInfo[]; dispose(): void } {
  const views = [min, max].map((range) =>
    reshapedView(backend, range, [sizeFromShape(range.shape)]),
  );
  return {
    infos: views.map((view) => view.info),
    dispose: () => views.forEach((view) => view.dispose()),
  };
}
