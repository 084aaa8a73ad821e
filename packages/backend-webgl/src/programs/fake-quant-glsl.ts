/**
 * GLSL shared by the fake-quant family. The arithmetic is core's `quantParamsImpl`, `gridIndex` and
 * `fakeQuantValue` step by step in float32, so results match the pure Impl wherever the GPU rounds
 * like IEEE float32 (measured true for SwiftShader, with no fused multiply-add contraction).
 *
 * Ranges are never pasted into a shader's source. Per tensor, with min/max values on the CPU (free to
 * read), the nudged range is a vec4 uniform. Otherwise (per channel, or ranges living on the GPU as
 * trained variables) NudgeProgram nudges min/max on the GPU into a small [C, 4] params texture that
 * the element-wise program samples: nothing is read back, so a training step never waits for the GPU.
 * (Nudging in every element's fragment instead cost more than the fake-quant itself on SwiftShader.)
 * The grid (qmin, qmax, from bits) and the rounding are uniforms.
 */
import type { Rounding } from '@clipq/core';
import { quantRange } from '@clipq/core';
import type { UniformType } from './uniform_type.js';

export const GRID_UNIFORMS: Array<{ name: string; type: UniformType }> = [
  { name: 'qmin', type: 'float' },
  { name: 'qmax', type: 'float' },
  { name: 'halfEven', type: 'int' },
];

/** Values for GRID_UNIFORMS, in order. */
export function gridUniformValues(
  bits: number,
  narrowRange: boolean,
  rounding: Rounding,
): number[][] {
  const { qmin, qmax } = quantRange(bits, narrowRange);
  return [[qmin], [qmax], [rounding === 'half-even' ? 1 : 0]];
}

/** tfjs's type for the output coordinates of a rank-`rank` program. */
function coordsType(rank: number): string {
  return rank <= 1 ? 'int' : `ivec${rank}`;
}

/** Per-tensor ranges already nudged on the CPU: (scale, nudgedMin, nudgedMax, zeroPoint). */
export const NUDGED_UNIFORM: { name: string; type: UniformType } = { name: 'nudged', type: 'vec4' };

/** Where a program finds its nudged ranges. */
export type RangeSource = 'uniform' | 'params';

/** The program inputs that go with a range source (after the program's own inputs). */
export function rangeVariables(source: RangeSource): string[] {
  return source === 'uniform' ? [] : ['Params'];
}

export function rangeUniforms(source: RangeSource): Array<{ name: string; type: UniformType }> {
  return source === 'uniform' ? [...GRID_UNIFORMS, NUDGED_UNIFORM] : GRID_UNIFORMS;
}

/**
 * Declares `vec4 range` = (scale, nudgedMin, nudgedMax, zeroPoint): from the `nudged` uniform, or
 * from the [C, 4] Params input (see NudgeProgram) at the channel of the output coordinate along
 * `axis` (at 0 per tensor).
 */
export function rangeDeclaration(
  source: RangeSource,
  perChannel: boolean,
  rank: number,
  axis: number,
): string {
  if (source === 'uniform') return rangeAt(source, '0');
  if (!perChannel) return rangeAt(source, '0');
  const channel = rank <= 1 ? 'coords' : `coords.${'xyzwuv'[axis]}`;
  return `
    ${coordsType(rank)} coords = getOutputCoords();
    int channel = ${channel};
    ${rangeAt(source, 'channel')}`;
}

/** Declares `vec4 range` for the GLSL int expression `channel`. */
export function rangeAt(source: RangeSource, channel: string): string {
  if (source === 'uniform') return 'vec4 range = nudged;';
  const at = (i: number) => `getParams(${channel}, ${i})`;
  return `vec4 range = vec4(${at(0)}, ${at(1)}, ${at(2)}, ${at(3)});`;
}

export const NUDGE_GLSL = `
  // TF's Nudge in float32. zeroPointFromMin is ≥ qmin ≥ 0 where it is rounded, so rounding half away
  // from zero is floor + (fraction ≥ 0.5), both exact (floor(v + 0.5) could round v + 0.5 up).
  vec4 nudgedRange(float lo, float hi) {
    float scale = (hi - lo) / (qmax - qmin);
    if (scale == 0.0) return vec4(0.0, 0.0, 0.0, qmin);
    float zeroPointFromMin = qmin - lo / scale;
    float zeroPoint = zeroPointFromMin;
    if (zeroPointFromMin < qmin) {
      zeroPoint = qmin;
    } else if (zeroPointFromMin > qmax) {
      zeroPoint = qmax;
    } else {
      float whole = floor(zeroPointFromMin);
      zeroPoint = whole + (zeroPointFromMin - whole >= 0.5 ? 1.0 : 0.0);
    }
    return vec4(scale, (qmin - zeroPoint) * scale, (qmax - zeroPoint) * scale, zeroPoint);
  }
`;

export const GRID_INDEX_GLSL = `
  float gridIndex(float x, vec4 range) {
    float clamped = x < range.y ? range.y : (x > range.z ? range.z : x);
    float shifted = (clamped - range.y) / range.x;
    if (halfEven == 1) {
      float whole = floor(shifted);
      float fraction = shifted - whole;
      if (fraction > 0.5 || (fraction == 0.5 && mod(whole, 2.0) != 0.0)) whole += 1.0;
      return whole;
    }
    return floor(shifted + 0.5);
  }

  float fakeQuantValue(float x, vec4 range) {
    if (range.x == 0.0) return 0.0;
    if (isnan(x)) return x;
    return gridIndex(x, range) * range.x + range.y;
  }
`;
