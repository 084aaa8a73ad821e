/**
 * GLSL that reads an NHWC codes tensor straight from tfjs's float texture, whichever layout tfjs gave
 * it: packed (2×2 values per texel over width × channels; texel index ((b·H + y)·⌈W/2⌉ + x/2)·⌈C/2⌉ + c/2)
 * or unpacked (one value per texel at flat index + offset), both folded into the texture's width.
 * In the "plain" case (width ⌈C/2⌉ packed, or C unpacked without offset) rows map directly and no
 * division is needed. Declares `xAt(b, y, x, c)` and `xEvenPair(b, y, x, c)` (channels c, c + 1, c
 * even), over the uniforms `x` (sampler2D), `xWidth` and `xOffset`.
 */
import type { ConvGeometry } from '@clipq/core';
import type { SampledTensor } from '../gl/webgl_backend.js';

export interface XLayout {
  packed: boolean;
  plain: boolean;
}

export function xLayout(x: SampledTensor, channels: number): XLayout {
  const plain = x.packed
    ? x.width === Math.ceil(channels / 2)
    : x.width === channels && x.flatOffset === 0;
  return { packed: x.packed, plain };
}

const half = (n: number) => Math.ceil(n / 2);

export function xReaderGlsl(g: ConvGeometry, layout: XLayout): string {
  const { inHeight: H, inWidth: W, inChannels: C } = g;
  const header = `
uniform sampler2D x;
uniform int xWidth;
uniform int xOffset;
vec4 texelAtIndex(int index) { return texelFetch(x, ivec2(index % xWidth, index / xWidth), 0); }`;
  if (layout.packed) {
    const texel = layout.plain
      ? `texelFetch(x, ivec2(c >> 1, (b * ${H} + iy) * ${half(W)} + (ix >> 1)), 0)`
      : `texelAtIndex(((b * ${H} + iy) * ${half(W)} + (ix >> 1)) * ${half(C)} + (c >> 1))`;
    return `${header}
vec4 xTexel(int b, int iy, int ix, int c) { return ${texel}; }
float xAt(int b, int iy, int ix, int c) {
  vec4 t = xTexel(b, iy, ix, c);
  return t[((ix & 1) << 1) | (c & 1)];
}
vec2 xEvenPair(int b, int iy, int ix, int c) {
  vec4 t = xTexel(b, iy, ix, c);
  return (ix & 1) == 0 ? t.xy : t.zw;
}`;
  }
  const at = layout.plain
    ? `texelFetch(x, ivec2(c, (b * ${H} + iy) * ${W} + ix), 0).r`
    : `texelAtIndex(((b * ${H} + iy) * ${W} + ix) * ${C} + c + xOffset).r`;
  return `${header}
float xAt(int b, int iy, int ix, int c) { return ${at}; }
vec2 xEvenPair(int b, int iy, int ix, int c) { return vec2(xAt(b, iy, ix, c), xAt(b, iy, ix, c + 1)); }`;
}
