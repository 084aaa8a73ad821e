/**
 * The WebGL2 int8 depthwise convolution as one raw pass: weights from a 1-byte RGBA8I texture (texel
 * (n/4, tap) = filter codes of output channels n..n+3 at that tap), codes read straight from tfjs's
 * float texture of x, packed (2×2 texels over width × channels, no unpack pass) or unpacked, and the
 * output written as tfjs's packed 2×2 texels: each fragment computes 2 output columns × 2 channels,
 * so one weight fetch serves 4 products and, for a channel multiplier of 1 on a packed input, one x
 * fetch serves 2. int32 accumulation (exact for any kernel size), then core's epilogue and the optional
 * fused requantization. The geometry is compiled in (a program per layer shape, cached); zero points,
 * epilogue and requantization are uniforms and textures.
 * x is addressed as x-reader-glsl.ts describes.
 */
import type { ConvGeometry } from '@clipq/core';
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';
import { INT8_EPILOGUE_UNIFORMS, int8Finish } from './int8-epilogue-program.js';
import { REQUANTIZE_DECLARATIONS, REQUANTIZE_GLSL } from './requantize-glsl.js';
import { type XLayout, xReaderGlsl } from './x-reader-glsl.js';

export interface DepthwiseLayout {
  x: XLayout;
  /** The output texture's width is ⌈N/2⌉ texels. */
  outPlain: boolean;
  /** Subtract per-channel weight zero points (symmetric weights skip it). */
  subtractWeightZero: boolean;
  /** The weights' row stride when two taps share a texture row (packed_weights.ts), else 0. */
  foldedStride: number;
}

const half = (n: number) => Math.ceil(n / 2);

/** The weight pair (n0, n0 + 1) at tap (ky, kx): one texel either way (n0 is even). */
function weightFetch(kernelWidth: number, foldedStride: number): string {
  if (!foldedStride) {
    return `      ivec4 w4 = texelFetch(w, ivec2(n0 >> 2, ky * ${kernelWidth} + kx), 0);
      ivec2 wv = ((n0 & 2) == 0 ? w4.xy : w4.zw) - zw;`;
  }
  return `      int tap = ky * ${kernelWidth} + kx;
      int f = (tap & 1) * ${foldedStride} + n0;
      ivec4 w4 = texelFetch(w, ivec2(f >> 2, tap >> 1), 0);
      ivec2 wv = ((f & 2) == 0 ? w4.xy : w4.zw) - zw;`;
}

export function depthwiseInt8Source(
  g: ConvGeometry,
  multiplier: number,
  layout: DepthwiseLayout,
): string {
  const N = g.inChannels * multiplier;
  const pair =
    multiplier === 1
      ? 'xEvenPair(b, iy, ix, n0)'
      : `vec2(xAt(b, iy, ix, n0 / ${multiplier}), xAt(b, iy, ix, (n0 + 1) / ${multiplier}))`;
  const zero = layout.subtractWeightZero
    ? `ivec4 z4 = texelFetch(wZeroPoint, ivec2(n0 >> 2, 0), 0);
  ivec2 zw = (n0 & 2) == 0 ? z4.xy : z4.zw;`
    : 'ivec2 zw = ivec2(0);';
  const place = layout.outPlain
    ? 'int pairRow = p.y; int np = p.x;'
    : `int index = p.y * outWidth + p.x; int pairRow = index / ${half(N)}; int np = index - pairRow * ${half(N)};`;
  return `${RAW_SHADER_HEADER}
uniform isampler2D w;
uniform isampler2D wZeroPoint;
uniform int xZeroPoint;
${INT8_EPILOGUE_UNIFORMS}
${REQUANTIZE_DECLARATIONS}
layout(location = 0) out vec4 result;
${REQUANTIZE_GLSL}
${xReaderGlsl(g, layout.x)}

${int8Finish(`${N - 1}`)}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  ${place}
  int bo = pairRow / ${half(g.outWidth)};
  int ow0 = (pairRow - bo * ${half(g.outWidth)}) * 2;
  int b = bo / ${g.outHeight};
  int oy = bo - b * ${g.outHeight};
  if (b >= ${g.batch} || np >= ${half(N)}) {
    result = vec4(0.0);
    return;
  }
  int n0 = np * 2;
  ${zero}
  ivec2 acc0 = ivec2(0);
  ivec2 acc1 = ivec2(0);
  int y0 = oy * ${g.strideHeight} - ${g.padTop};
  int x0 = ow0 * ${g.strideWidth} - ${g.padLeft};
  bool second = ow0 + 1 < ${g.outWidth};
  for (int ky = 0; ky < ${g.kernelHeight}; ky++) {
    int iy = y0 + ky * ${g.dilationHeight};
    if (iy < 0 || iy >= ${g.inHeight}) continue;
    for (int kx = 0; kx < ${g.kernelWidth}; kx++) {
${weightFetch(g.kernelWidth, layout.foldedStride)}
      int ix = x0 + kx * ${g.dilationWidth};
      if (ix >= 0 && ix < ${g.inWidth}) acc0 += (ivec2(${pair}) - xZeroPoint) * wv;
      ix += ${g.strideWidth};
      if (second && ix >= 0 && ix < ${g.inWidth}) acc1 += (ivec2(${pair}) - xZeroPoint) * wv;
    }
  }
  result = vec4(finish(acc0.x, n0), finish(acc0.y, n0 + 1), finish(acc1.x, n0), finish(acc1.y, n0 + 1));
}
`;
}
