/**
 * im2col straight into the int8 matmul's A slabs (RGBA16I, pack-a-program.ts's layout): each fragment
 * writes 4 consecutive k of one output pixel's patch, code − xZeroPoint, reading x in place from tfjs's
 * texture (packed or not). Out-of-image taps are the input zero point, i.e. 0 once centered, as core's
 * `im2colInt8` pads. This replaces a float patches tensor and the pack pass that read it. The geometry
 * is compiled in (divisions by constants); zero point and slab layout are uniforms.
 */
import type { ConvGeometry } from '@clipq/core';
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';
import { SLAB_GLSL } from './pack-a-program.js';
import { type XLayout, xReaderGlsl } from './x-reader-glsl.js';

export function im2colPackSource(g: ConvGeometry, layout: XLayout): string {
  const C = g.inChannels;
  const K = g.kernelHeight * g.kernelWidth * C;
  return `${RAW_SHADER_HEADER}
uniform int rows;
uniform int xZeroPoint;
layout(location = 0) out ivec4 centeredCodes;
${SLAB_GLSL}
${xReaderGlsl(g, layout)}

int centered(int b, int y0, int x0, int k) {
  if (k >= ${K}) return 0;
  int tap = k / ${C};
  int c = k - tap * ${C};
  int ky = tap / ${g.kernelWidth};
  int kx = tap - ky * ${g.kernelWidth};
  int iy = y0 + ky * ${g.dilationHeight};
  int ix = x0 + kx * ${g.dilationWidth};
  if (iy < 0 || iy >= ${g.inHeight} || ix < 0 || ix >= ${g.inWidth}) return 0;
  return int(xAt(b, iy, ix, c)) - xZeroPoint;
}

void main() {
  ivec2 cell = slabCell(ivec2(gl_FragCoord.xy));
  int k = cell.x * 4;
  int m = cell.y + rowOffset;
  if (m >= rows) {
    centeredCodes = ivec4(0);
    return;
  }
  int pixel = m / ${g.outWidth};
  int ox = m - pixel * ${g.outWidth};
  int b = pixel / ${g.outHeight};
  int oy = pixel - b * ${g.outHeight};
  int y0 = oy * ${g.strideHeight} - ${g.padTop};
  int x0 = ox * ${g.strideWidth} - ${g.padLeft};
  centeredCodes = ivec4(
    centered(b, y0, x0, k), centered(b, y0, x0, k + 1),
    centered(b, y0, x0, k + 2), centered(b, y0, x0, k + 3));
}
`;
}
