/**
 * GLSL shared by the fake-quant family. The arithmetic is core's `gridIndex`/`fakeQuantValue` step by
 * step in float32, so results match the pure Impl wherever the GPU rounds like IEEE float32 (measured
 * true for SwiftShader, with no fused multiply-add contraction).
 *
 * Ranges reach a shader in one of two ways, never pasted into its source:
 * - per tensor: uniforms `scale`, `nudgedMin`, `nudgedMax` (and `zeroCode` where needed);
 * - per channel: a small [C, 4] params texture (scale, nudgedMin, nudgedMax, zeroCode), read at the
 *   channel of the output coordinate.
 */
import type { UniformType } from './uniform_type.js';

export const RANGE_UNIFORMS: Array<{ name: string; type: UniformType }> = [
  { name: 'scale', type: 'float' },
  { name: 'nudgedMin', type: 'float' },
  { name: 'nudgedMax', type: 'float' },
  { name: 'zeroCode', type: 'float' },
];

export const ROUNDING_UNIFORM: { name: string; type: UniformType } = {
  name: 'halfEven',
  type: 'int',
};

/** The GLSL expression for the channel index of `coords` (the output coordinates) along `axis`. */
export function channelOf(rank: number, axis: number): string {
  return rank <= 1 ? 'coords' : `coords.${'xyzwuv'[axis]}`;
}

/** tfjs's type for the output coordinates of a rank-`rank` program. */
function coordsType(rank: number): string {
  return rank <= 1 ? 'int' : `ivec${rank}`;
}

/** Declares scale/nudgedMin/nudgedMax/zeroCode locals from the params texture, per channel. */
export function channelRangeDeclarations(perChannel: boolean, rank: number, axis: number): string {
  if (!perChannel) return '';
  return `
    ${coordsType(rank)} coords = getOutputCoords();
    int channel = ${channelOf(rank, axis)};
    float scale = getParams(channel, 0);
    float nudgedMin = getParams(channel, 1);
    float nudgedMax = getParams(channel, 2);
    float zeroCode = getParams(channel, 3);`;
}

export const GRID_INDEX_GLSL = `
  float gridIndex(float x, float scale, float nudgedMin, float nudgedMax) {
    float clamped = x < nudgedMin ? nudgedMin : (x > nudgedMax ? nudgedMax : x);
    float shifted = (clamped - nudgedMin) / scale;
    if (halfEven == 1) {
      float whole = floor(shifted);
      float fraction = shifted - whole;
      if (fraction > 0.5 || (fraction == 0.5 && mod(whole, 2.0) != 0.0)) whole += 1.0;
      return whole;
    }
    return floor(shifted + 0.5);
  }

  float fakeQuantValue(float x, float scale, float nudgedMin, float nudgedMax) {
    if (scale == 0.0) return 0.0;
    if (isnan(x)) return x;
    return gridIndex(x, scale, nudgedMin, nudgedMax) * scale + nudgedMin;
  }
`;
