/**
 * Exact int8 2-D convolution for small patches (kh·kw·Cin ≤ DIRECT_MAX_DEPTH: a first layer on a
 * 1-channel image), as a direct loop, one output row at a time.
 *
 * Why: with a depth of 9 the GEMM spends more on packing patches into row tiles, splitting
 * packed sums and folding zero points than on multiplying. Here the input is copied once, zero point
 * subtracted and zero-padded, so each pixel's patch is K loads at fixed offsets; the filter, zero points
 * folded in, holds two output channels per float64: w'[k,2j] + w'[k,2j+1]·2^26. One multiply-add then
 * advances two exact sums: the low sum stays within ±K·255² < 2^25 for K ≤ 512, so
 * high = floor((s + 2^25)/2^26) and low = s − high·2^26 recover both, and |s| < 2^53.
 */
import type { ConvGeometry, FusedActivation, RequantizeAttrs } from '@clipq/core';
import { PAIR_SHIFT } from './gemm_tile.js';
import { multipliersOf, OutputRows } from './output_rows.js';

/**
 * The largest patch depth kh·kw·Cin that takes the direct path. Measured (A/B in one process,
 * scripts/ab_conv.mjs): a 3×3 conv on 1 channel is 1.7x faster direct at batch 1 and even at batch 16;
 * on 3 channels (K = 27) the GEMM was 1.6x faster.
 */
export const DIRECT_MAX_DEPTH = 16;

const HALF_SHIFT = PAIR_SHIFT / 2;
const INVERSE_SHIFT = 1 / PAIR_SHIFT;

export interface ConvInt8Operands {
  /** Input codes, NHWC. */
  x: Int32Array;
  g: ConvGeometry;
  /** Filter codes [kh, kw, Cin, Cout], row-major (int32 codes, or a pinned int8 copy). */
  filter: Int32Array | Int8Array;
  outChannels: number;
  xScale: number;
  xZeroPoint: number;
  wScale: ArrayLike<number>;
  wZeroPoint: ArrayLike<number>;
}

let accScratch = new Float64Array(0);

/** Pairs of output channels per register block: four independent sums per patch entry. */
const BLOCK_PAIRS = 4;

/**
 * The filter, zero points folded in, as pairs of output channels w'[k,2j] + w'[k,2j+1]·2^26 with
 * w' = w − zw[n], laid out [block][k][4 pairs]; channels past N are 0.
 */
function pairedFilter(
  filter: Int32Array | Int8Array,
  K: number,
  N: number,
  wZeroPoint: ArrayLike<number>,
): Float64Array {
  const blocks = Math.ceil(N / (2 * BLOCK_PAIRS));
  const pairs = new Float64Array(blocks * K * BLOCK_PAIRS);
  for (let block = 0; block < blocks; block++) {
    for (let k = 0; k < K; k++) {
      for (let p = 0; p < BLOCK_PAIRS; p++) {
        const n = 2 * (block * BLOCK_PAIRS + p);
        const low = n < N ? filter[k * N + n]! - wZeroPoint[wZeroPoint.length === 1 ? 0 : n]! : 0;
        const high =
          n + 1 < N ? filter[k * N + n + 1]! - wZeroPoint[wZeroPoint.length === 1 ? 0 : n + 1]! : 0;
        pairs[(block * K + k) * BLOCK_PAIRS + p] = low + high * PAIR_SHIFT;
      }
    }
  }
  return pairs;
}

/**
 * The input as float64 x − zx over the rows and columns the windows cover, with 0 outside the image:
 * every window then reads in bounds, at fixed offsets from its corner.
 */
function paddedInput(op: ConvInt8Operands): {
  values: Float64Array;
  height: number;
  width: number;
} {
  const { g, x, xZeroPoint } = op;
  const C = g.inChannels;
  const height = (g.outHeight - 1) * g.strideHeight + (g.kernelHeight - 1) * g.dilationHeight + 1;
  const width = (g.outWidth - 1) * g.strideWidth + (g.kernelWidth - 1) * g.dilationWidth + 1;
  const values = new Float64Array(g.batch * height * width * C);
  for (let b = 0; b < g.batch; b++) {
    for (let py = 0; py < height; py++) {
      const iy = py - g.padTop;
      if (iy < 0 || iy >= g.inHeight) continue;
      for (let px = 0; px < width; px++) {
        const ix = px - g.padLeft;
        if (ix < 0 || ix >= g.inWidth) continue;
        const src = ((b * g.inHeight + iy) * g.inWidth + ix) * C;
        const dst = ((b * height + py) * width + px) * C;
        for (let c = 0; c < C; c++) values[dst + c] = x[src + c]! - xZeroPoint;
      }
    }
  }
  return { values, height, width };
}

/** Splits a packed pair sum into acc[o] (low channel) and acc[o + 1] (high channel, when < N). */
function splitPair(s: number, acc: Float64Array, o: number, n: number, N: number): void {
  const high = Math.floor((s + HALF_SHIFT) * INVERSE_SHIFT);
  if (n < N) acc[o + n] = s - high * PAIR_SHIFT;
  if (n + 1 < N) acc[o + n + 1] = high;
}

/**
 * Σ_k patch[k]·pair for every pair of output channels, four pairs at a time (four independent sums, so
 * the adds do not wait on each other), split into acc[o + n].
 */
function pixelSums(
  patch: Float64Array,
  pairs: Float64Array,
  K: number,
  N: number,
  acc: Float64Array,
  o: number,
): void {
  for (let block = 0, n = 0; n < N; block++, n += 2 * BLOCK_PAIRS) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0, w = block * K * BLOCK_PAIRS; k < K; k++, w += BLOCK_PAIRS) {
      const v = patch[k]!;
      s0 += v * pairs[w]!;
      s1 += v * pairs[w + 1]!;
      s2 += v * pairs[w + 2]!;
      s3 += v * pairs[w + 3]!;
    }
    splitPair(s0, acc, o, n, N);
    splitPair(s1, acc, o, n + 2, N);
    splitPair(s2, acc, o, n + 4, N);
    splitPair(s3, acc, o, n + 6, N);
  }
}

/**
 * The exact sums of one output row: each window's patch at fixed offsets from its corner, then
 * pixelSums. Its own function, called once per output row, so that V8 optimizes it within the first
 * call or two rather than after several predicts (a loop inside a once-per-call function waits for OSR).
 */
function outputRowSums(
  values: Float64Array,
  rowBase: number,
  pixelStride: number,
  width: number,
  offsets: Int32Array,
  patch: Float64Array,
  pairs: Float64Array,
  N: number,
  acc: Float64Array,
): void {
  const K = offsets.length;
  for (let ox = 0; ox < width; ox++) {
    const corner = rowBase + ox * pixelStride;
    for (let k = 0; k < K; k++) patch[k] = values[corner + offsets[k]!]!;
    pixelSums(patch, pairs, K, N, acc, ox * N);
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
  const padded = paddedInput(op);
  const C = g.inChannels;
  // Offset of patch entry k = (ky·kw + kx)·C + c from the window's corner in the padded input.
  const offsets = new Int32Array(K);
  for (let ky = 0, k = 0; ky < g.kernelHeight; ky++) {
    for (let kx = 0; kx < g.kernelWidth; kx++) {
      for (let c = 0; c < C; c++, k++) {
        offsets[k] = (ky * g.dilationHeight * padded.width + kx * g.dilationWidth) * C + c;
      }
    }
  }
  const patch = new Float64Array(K);
  const pixelStride = g.strideWidth * C;
  let start = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++, start += rowValues) {
      const rowBase = (b * padded.height + oy * g.strideHeight) * padded.width * C;
      outputRowSums(padded.values, rowBase, pixelStride, g.outWidth, offsets, patch, pairs, N, acc);
      output.write(acc, rowValues, start);
    }
  }
  return output.finish();
}
