/**
 * Exact int8 depthwise convolution as a direct loop, one output row at a time, with the float32 epilogue
 * (and the optional requantization) applied per row while the row is in cache (OutputRows).
 *
 * Why direct: each weight is used once per output pixel, so a GEMM's packing cannot pay off. Zero points
 * are subtracted on the fly (x) and folded into a float64 copy of the filter (w), so every product is
 * a float64 multiply of exact small integers (JS has two float64 pipes but one integer multiplier) and
 * every sum is exact: |Σ| ≤ 2^16·taps. A 3×3 interior pixel, MobileNet's common case, is unrolled.
 */
import type { ConvGeometry, FusedActivation, RequantizeAttrs } from '@clipq/core';
import { multipliersOf, OutputRows } from './output_rows.js';

export interface DepthwiseInt8Operands {
  /** Input codes, NHWC. */
  x: Int32Array;
  g: ConvGeometry;
  /** Filter codes [kh, kw, C, multiplier], row-major (int32 codes, or the pinned int8 copy). */
  filter: Int32Array | Int8Array;
  multiplier: number;
  xScale: number;
  xZeroPoint: number;
  wScale: ArrayLike<number>;
  wZeroPoint: ArrayLike<number>;
}

let accScratch = new Float64Array(0);

/** (w − zw[n]) as float64, laid out [tap][n] (the filter's own layout). */
function foldedFilter(
  filter: Int32Array | Int8Array,
  N: number,
  wZeroPoint: ArrayLike<number>,
): Float64Array {
  const w = new Float64Array(filter.length);
  for (let i = 0; i < filter.length; i++) {
    const n = i % N;
    w[i] = filter[i]! - wZeroPoint[wZeroPoint.length === 1 ? 0 : n]!;
  }
  return w;
}

/** Σ over the 9 taps of one interior 3×3 pixel, multiplier 1: acc[o + c] for every channel c. */
function interior3x3(
  xs: Int32Array,
  w: Float64Array,
  zx: number,
  top: number,
  rowStride: number,
  C: number,
  dx: number,
  acc: Float64Array,
  o: number,
): void {
  const p0 = top;
  const p1 = p0 + dx;
  const p2 = p1 + dx;
  const p3 = p0 + rowStride;
  const p4 = p3 + dx;
  const p5 = p4 + dx;
  const p6 = p3 + rowStride;
  const p7 = p6 + dx;
  const p8 = p7 + dx;
  for (let c = 0; c < C; c++) {
    acc[o + c] =
      (xs[p0 + c]! - zx) * w[c]! +
      (xs[p1 + c]! - zx) * w[C + c]! +
      (xs[p2 + c]! - zx) * w[2 * C + c]! +
      (xs[p3 + c]! - zx) * w[3 * C + c]! +
      (xs[p4 + c]! - zx) * w[4 * C + c]! +
      (xs[p5 + c]! - zx) * w[5 * C + c]! +
      (xs[p6 + c]! - zx) * w[6 * C + c]! +
      (xs[p7 + c]! - zx) * w[7 * C + c]! +
      (xs[p8 + c]! - zx) * w[8 * C + c]!;
  }
}

/** Exact accumulators of output row (b, oy) into acc[ox·N + n]. */
function accumulateRow(
  op: DepthwiseInt8Operands,
  w: Float64Array,
  b: number,
  oy: number,
  acc: Float64Array,
  tapX: Int32Array,
  tapW: Int32Array,
): void {
  const { g, multiplier, x: xs, xZeroPoint: zx } = op;
  const C = g.inChannels;
  const N = C * multiplier;
  const rowStride = g.inWidth * C;
  const unrollable =
    multiplier === 1 && g.kernelHeight === 3 && g.kernelWidth === 3 && g.dilationWidth === 1;
  for (let ox = 0; ox < g.outWidth; ox++) {
    let taps = 0;
    const x0 = ox * g.strideWidth - g.padLeft;
    for (let ky = 0; ky < g.kernelHeight; ky++) {
      const iy = oy * g.strideHeight + ky * g.dilationHeight - g.padTop;
      if (iy < 0 || iy >= g.inHeight) continue;
      for (let kx = 0; kx < g.kernelWidth; kx++) {
        const ix = x0 + kx * g.dilationWidth;
        if (ix < 0 || ix >= g.inWidth) continue;
        tapX[taps] = ((b * g.inHeight + iy) * g.inWidth + ix) * C;
        tapW[taps] = (ky * g.kernelWidth + kx) * N;
        taps++;
      }
    }
    const o = ox * N;
    if (unrollable && taps === 9 && g.dilationHeight === 1) {
      interior3x3(xs, w, zx, tapX[0]!, rowStride, C, C, acc, o);
    } else if (multiplier === 1) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += (xs[tapX[t]! + c]! - zx) * w[tapW[t]! + c]!;
        acc[o + c] = s;
      }
    } else {
      for (let n = 0; n < N; n++) {
        const c = (n / multiplier) | 0;
        let s = 0;
        for (let t = 0; t < taps; t++) s += (xs[tapX[t]! + c]! - zx) * w[tapW[t]! + n]!;
        acc[o + n] = s;
      }
    }
  }
}

/**
 * The depthwise convolution's output [B, Ho, Wo, C·multiplier]: float32 (bit-identical to core's
 * `depthwiseConv2dInt8Direct`), or int32 codes when `requantize` is set.
 */
export function depthwiseInt8(
  op: DepthwiseInt8Operands,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
  requantize: RequantizeAttrs | null | undefined,
): { values: Float32Array | Int32Array; dtype: 'float32' | 'int32' } {
  const { g } = op;
  const N = g.inChannels * op.multiplier;
  const rowValues = g.outWidth * N;
  const output = new OutputRows(
    g.batch * g.outHeight * rowValues,
    N,
    multipliersOf(op.xScale, op.wScale, N),
    bias,
    activation,
    requantize,
  );
  const w = foldedFilter(op.filter, N, op.wZeroPoint);
  if (accScratch.length < rowValues) accScratch = new Float64Array(rowValues);
  const taps = g.kernelHeight * g.kernelWidth;
  const tapX = new Int32Array(taps);
  const tapW = new Int32Array(taps);
  let start = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++, start += rowValues) {
      accumulateRow(op, w, b, oy, accScratch, tapX, tapW);
      output.write(accScratch, rowValues, start);
    }
  }
  return output.finish();
}
