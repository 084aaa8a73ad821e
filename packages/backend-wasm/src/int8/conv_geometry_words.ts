/**
 * The convolution geometry as the module's conv entry points read it: 13 int32 words (padLeft is passed
 * separately). One layout for im2col and the depthwise loop, so the two kernels cannot drift apart.
 */
import type { ConvGeometry } from '@clipq/core';

export function convGeometryWords(g: ConvGeometry): Int32Array {
  return Int32Array.of(
    g.batch,
    g.inHeight,
    g.inWidth,
    g.inChannels,
    g.kernelHeight,
    g.kernelWidth,
    g.strideHeight,
    g.strideWidth,
    g.dilationHeight,
    g.dilationWidth,
    g.outHeight,
    g.outWidth,
    g.padTop,
  );
}
