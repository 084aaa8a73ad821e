/**
 * GLSL shared by the fake-quant family. The arithmetic is core's `quantParamsImpl`, `gridIndex` and
 * `fakeQuantValue` step by step in float32, so results match the pure Impl wherever the GPU rounds
 * like IEEE float32 (measured true for SwiftShader, with no fused multiply-add contraction).
 *
 * Ranges are never pasted into a shader's source: programs take min and max as small inputs (tfjs
 * hands tensors still on the CPU to the shader as uniforms, and samples them from their texture once
 * they live on the GPU, e.g. as trained variables) and nudge them in the shader, per channel or per
 * tensor. The grid (qmin, qmax, from bits) and the rounding are uniforms. Nothing is read back to the
 * CPU, so a training step on WebGL never waits for the GPU here.
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

/**
 * Declares `vec4 range` = (scale, nudgedMin, nudgedMax, zeroPoint) for the channel of the output
 * coordinate along `axis` (per channel) or for the whole tensor, from the RangeMin/RangeMax inputs.
 */
export function rangeDeclaration(perChannel: boolean, rank: number, axis: number): string {
  if (!perChannel) return 'vec4 range = nudgedRange(getRangeMin(0), getRangeMax(0));';
  const channel = rank <= 1 ? 'coords' : `coords.${'xyzwuv'[axis]}`;
  return `
    ${coordsType(rank)} coords = getOutputCoords();
    int channel = ${channel};
    vec4 range = nudgedRange(getRangeMin(channel), getRangeMax(channel));`;
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
