/**
 * Ranges for the fake-quant family. Programs take min/max as inputs and nudge them in the shader
 * (`rangeInputs`); the raw WebGL2 range-gradient passes take a params texture built here on the CPU
 * with core's float32-exact `quantParamsImpl` (scale, nudgedMin, nudgedMax, zero point's code).
 */
import { codeOffset, quantParamsImpl, type Rounding } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { type TensorInfo, util } from '@tensorflow/tfjs-core';
import { gridUniformValues, type RangeSource } from './programs/fake-quant-glsl.js';
import { NudgeProgram } from './programs/nudge-program.js';

const { sizeFromShape } = util;

import { readValues, reshapedView, textureData } from './gl/webgl_backend.js';

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
    dispose: () => {
      for (const view of views) view.dispose();
    },
  };
}

/**
 * The nudged per-tensor range (scale, nudgedMin, nudgedMax, zeroPoint) when min and max are scalars
 * whose values tfjs still holds on the CPU (free to read: no GPU sync), else null.
 */
export function cpuNudgedRange(
  backend: MathBackendWebGL,
  min: TensorInfo,
  max: TensorInfo,
  bits: number,
  narrowRange: boolean,
): number[] | null {
  if (sizeFromShape(min.shape) !== 1) return null;
  const onCpu = (info: TensorInfo) => textureData(backend, info.dataId).values != null;
  if (!onCpu(min) || !onCpu(max)) return null;
  const p = quantParamsImpl(
    readValues(backend, min)[0]!,
    readValues(backend, max)[0]!,
    bits,
    narrowRange,
  );
  return [p.scale, p.nudgedMin, p.nudgedMax, p.zeroPoint];
}

/** A program's nudged ranges: extra inputs and custom uniform values (grid first), see RangeSource. */
export interface NudgedRanges {
  source: RangeSource;
  inputs: TensorInfo[];
  uniforms: number[][];
  dispose(): void;
}

export function nudgedRanges(
  backend: MathBackendWebGL,
  min: TensorInfo,
  max: TensorInfo,
  attrs: { bits: number; narrowRange: boolean; rounding: Rounding },
): NudgedRanges {
  const grid = gridUniformValues(attrs.bits, attrs.narrowRange, attrs.rounding);
  const nudged = cpuNudgedRange(backend, min, max, attrs.bits, attrs.narrowRange);
  if (nudged) return { source: 'uniform', inputs: [], uniforms: [...grid, nudged], dispose() {} };
  const ranges = rangeInputs(backend, min, max);
  try {
    const program = new NudgeProgram(sizeFromShape(min.shape));
    const params = backend.runWebGLProgram(program, ranges.infos, 'float32', grid);
    return {
      source: 'params',
      inputs: [params],
      uniforms: grid,
      dispose: () => backend.disposeIntermediateTensorInfo(params),
    };
  } finally {
    ranges.dispose();
  }
}
