/**
 * Raw WebGL2 passes for ClipqFakeQuantGrad's range gradients: a tree reduction whose fragments carry
 * all three per-channel sums at once in one RGBA32F texel (below, above, rounding), reading x and dy
 * once per element with integer addressing. tfjs programs write one float per fragment, which made
 * the same reduction read every element three times.
 *
 * A level holds `columns` partial sums per channel, entry (c, b) at flat position c·columns + b of a
 * roughly square texture (SwiftShader spreads fragments over threads by rows, so a 4096×1 strip ran
 * on one core). The first pass turns x/dy into ceil(L / window) columns per channel (L = elements per
 * channel), each further pass divides the columns by the window, and the last pass combines the
 * sums into dmin and dmax (two render targets).
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';

/** Per channel: scale, nudgedMin, nudgedMax, f32(max − min). */
const PARAMS_GLSL = `
uniform sampler2D params;
uniform int paramsWidth;
vec4 channelParams(int c) {
  return texelFetch(params, ivec2(c % paramsWidth, c / paramsWidth), 0);
}`;

export const RANGE_TERMS_SOURCE = `${RAW_SHADER_HEADER}
uniform sampler2D x;
uniform sampler2D dy;
uniform int xWidth;
uniform int xOffset;
uniform int dyWidth;
uniform int dyOffset;
uniform int channels;
uniform int inner;
uniform int count;
uniform int window;
uniform int halfEven;
uniform int full;
uniform int columns;
uniform int outWidth;
${PARAMS_GLSL}
layout(location = 0) out vec4 sums;

ivec2 texelOf(int index, int width) {
  return ivec2(index % width, index / width);
}

// Moves a texel position step elements forward; divides only when it wraps past the row.
ivec2 advance(ivec2 texel, int step, int width) {
  texel.x += step;
  if (texel.x >= width) {
    int rows = texel.x / width;
    texel.y += rows;
    texel.x -= rows * width;
  }
  return texel;
}

float gridIndex(float value, float scale, float nudgedMin, float nudgedMax) {
  float clamped = value < nudgedMin ? nudgedMin : (value > nudgedMax ? nudgedMax : value);
  float shifted = (clamped - nudgedMin) / scale;
  if (halfEven == 1) {
    float whole = floor(shifted);
    float fraction = shifted - whole;
    if (fraction > 0.5 || (fraction == 0.5 && mod(whole, 2.0) != 0.0)) whole += 1.0;
    return whole;
  }
  return floor(shifted + 0.5);
}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int entry = p.y * outWidth + p.x;
  int c = entry / columns;
  if (c >= channels) {
    sums = vec4(0.0);
    return;
  }
  vec4 range = channelParams(c);
  vec3 total = vec3(0.0);
  int start = (entry - c * columns) * window;
  int end = min(start + window, count);
  // Element j of channel c is (o, c, i) with j = o·inner + i. Addresses advance incrementally:
  // integer division is slow on SwiftShader, so it happens once per fragment and on row wraps only.
  int o = start / inner;
  int i = start - o * inner;
  int index = (o * channels + c) * inner + i;
  ivec2 xTexel = texelOf(index + xOffset, xWidth);
  ivec2 dyTexel = texelOf(index + dyOffset, dyWidth);
  int jump = (channels - 1) * inner + 1;
  for (int j = start; j < end; j++) {
    float value = texelFetch(x, xTexel, 0).r;
    float g = texelFetch(dy, dyTexel, 0).r;
    if (value < range.y) {
      total.x += g;
    } else if (value > range.z) {
      total.y += g;
    } else if (full == 1 && range.x != 0.0) {
      float y = gridIndex(value, range.x, range.y, range.z) * range.x + range.y;
      total.z += g * (y - value);
    }
    i++;
    int step = 1;
    if (i == inner) {
      i = 0;
      step = jump;
    }
    xTexel = advance(xTexel, step, xWidth);
    dyTexel = advance(dyTexel, step, dyWidth);
  }
  sums = vec4(total, 0.0);
}
`;

export const RANGE_SUM_LEVEL_SOURCE = `${RAW_SHADER_HEADER}
uniform sampler2D partials;
uniform int partialsWidth;
uniform int channels;
uniform int columns;
uniform int nextColumns;
uniform int outWidth;
uniform int window;
layout(location = 0) out vec4 sums;

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int entry = p.y * outWidth + p.x;
  int c = entry / nextColumns;
  if (c >= channels) {
    sums = vec4(0.0);
    return;
  }
  int start = (entry - c * nextColumns) * window;
  int count = min(window, columns - start);
  int index = c * columns + start;
  ivec2 texel = ivec2(index % partialsWidth, index / partialsWidth);
  vec4 total = vec4(0.0);
  for (int j = 0; j < count; j++) {
    total += texelFetch(partials, texel, 0);
    texel.x += 1;
    if (texel.x == partialsWidth) {
      texel.x = 0;
      texel.y += 1;
    }
  }
  sums = total;
}
`;

/** dmin = (below − R/width)·gradScale, dmax = (above + R/width)·gradScale; R only for 'full'. */
export const RANGE_GRAD_SOURCE = `${RAW_SHADER_HEADER}
uniform sampler2D partials;
uniform int partialsWidth;
uniform int channels;
uniform int outWidth;
uniform int full;
uniform float gradScale;
${PARAMS_GLSL}
layout(location = 0) out vec4 dmin;
layout(location = 1) out vec4 dmax;

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int c = p.y * outWidth + p.x;
  if (c >= channels) {
    dmin = vec4(0.0);
    dmax = vec4(0.0);
    return;
  }
  vec4 s = texelFetch(partials, ivec2(c % partialsWidth, c / partialsWidth), 0);
  float width = channelParams(c).w;
  float rounding = full == 1 && width > 0.0 ? s.z / width : 0.0;
  dmin = vec4((s.x - rounding) * gradScale, 0.0, 0.0, 0.0);
  dmax = vec4((s.y + rounding) * gradScale, 0.0, 0.0, 0.0);
}
`;
