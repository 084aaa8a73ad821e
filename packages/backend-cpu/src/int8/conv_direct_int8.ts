/**
 * Exact int8 2-D convolution for small patches (kh·kw·Cin ≤ DIRECT_MAX_DEPTH: a first layer on a 1- or
 * 3-channel image), as a direct loop, one output row at a time.
 *
 * Why: with a depth of 9 or 27 the GEMM spends more on packing patches into row tiles, splitting
 * packed sums and folding zero points than on multiplying. Here each pixel's patch is gathered once
 * with the zero point already subtracted (out-of-image taps are 0), and the filter, zero points
 * folded in, holds two output channels per float64: w'[k,2j] + w'[k,2j+1]·2^26. One multiply-add then
 * advances two exact sums: the low sum stays within ±K·255² < 2^25 for K ≤ 512, so
 * high = floor((s + 2^25)/2^26) and low = s − high·2^26 recover both, and |s| < 2^53.
 */
import type { ConvGeometry, FusedActivation, RequantizeAttrs } from '@clipq/core';
import { PAIR_SHIFT } from './gemm_tile.js';
import { multipliersOf, OutputRows } from './output_rows.js';

/** The largest patch depth kh·kw·Cin that takes the direct path. */
export const DIRECT_MAX_DEPTH = 32;

const HALF_SHIFT = PAIR_SHIFT / 2;
const INVERSE_SHIFT = 1 / PAIR_SHIFT;

export interface ConvInt8Operands {
  /** Input codes, NHWC. */
  x: Int32Array;
  g: ConvGeometry;
  /** Filter codes [kh, kw, Cin, Cout], row-major. */
  filter: Int32Array;
  outChannels: number;
  xScale: number;
  xZeroPoint: number;
  wScale: ArrayLike<number>;
  wZeroPoint: ArrayLike<number>;
}

let accScratch = new Float64Array(0);

/** pairs[j·K + k] = w'[k, 2j] + w'[k, 2j+1]·2^26 with w' = w − zw[n] (an odd N's last high half is 0). */
function pairedFilter(
  filter: Int32Array,
  K: number,
  N: number,
  wZeroPoint: ArrayLike<number>,
): Float64Array {
  const pairCount = Math.ceil(N / 2);
  const pairs = new Float64Array(pairCount * K);
  const folded = (k: number, n: number) =>
    n < N ? filter[k * N + n]! - wZeroPoint[wZeroPoint.length === 1 ? 0 : n]! : 0;
  for (let j = 0; j < pairCount; j++) {
    for (let k = 0; k < K; k++)
      pairs[j * K + k] = folded(k, 2 * j) + folded(k, 2 * j + 1) * PAIR_SHIFT;
  }
  return pairs;
}

/** Pixel (b, oy, ox)'s patch, x − zx per tap and channel, 0 outside the image. */
function gatherPatch(
  op: ConvInt8Operands,
  b: number,
  oy: number,
  ox: number,
  patch: Float64Array,
): void {
  const { g, x, xZeroPoint } = op;
  const C = g.inChannels;
  let d = 0;
  for (let ky = 0; ky < g.kernelHeight; ky++) {
    const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
    const rowInside = iy >= 0 && iy < g.inHeight;
    for (let kx = 0; kx < g.kernelWidth; kx++, d += C) {
      const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
      if (rowInside && ix >= 0 && ix < g.inWidth) {
        const src = ((b * g.inHeight + iy) * g.inWidth + ix) * C;
        for (let c = 0; c < C; c++) patch[d + c] = x[src + c]! - xZeroPoint;
      } else {
        for (let c = 0; c < C; c++) patch[d + c] = 0;
      }
    }
  }
}

/** Σ_k patch[k]·pairs[j·K + k] for every pair j, split into acc[o + 2j] and acc[o + 2j + 1]. */
function pixelSums(
  patch: Float64Array,
  pairs: Float64Array,
  K: number,
  N: number,
  acc: Float64Array,
  o: number,
): void {
  for (let j = 0, n = 0; n < N; j++, n += 2) {
    let s = 0;
    for (let k = 0, w = j * K; k < K; k++, w++) s += patch[k]! * pairs[w]!;
    const high = Math.floor((s + HALF_SHIFT) * INVERSE_SHIFT);
    acc[o + n] = s - high * PAIR_SHIFT;
    if (n + 1 < N) acc[o + n + 1] = high;
  }
}

/**
 * The convolution's output [B, Ho, Wo, Cout]: float32, bit-identical to core's Impl, or int32 codes
 * when `requantize` is set. Input codes must already be checked to be int8.
 */
export function convDirectInt8(
  op: ConvInt8Operands,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
  requantize: RequantizeAttrs | null | undefined,
): { values: Float32Array | Int32Array; dtype: 'float32' | 'int32' } {
  const { g, outChannels: N } = op;
  const K = g.kernelHeight * g.kernelWidth * g.inChannels;
  const rowValues = g.outWidth * N;
  const output = new OutputRows(
    g.batch * g.outHeight * rowValues,
    N,
    multipliersOf(op.xScale, op.wScale, N),
    bias,
    activation,
    requantize,
  );
  const pairs = pairedFilter(op.filter, K, N, op.wZeroPoint);
  if (accScratch.length < rowValues) accScratch = new Float64Array(rowValues);
  const acc = accScratch;
  const patch = new Float64Array(K);
  let start = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++, start += rowValues) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        gatherPatch(op, b, oy, ox, patch);
        pixelSums(patch, pairs, K, N, acc, ox * N);
      }
      output.write(acc, rowValues, start);
    }
  }
  return output.finish();
}
