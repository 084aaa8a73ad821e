/**
 * A convolution's image patches as the GEMM's A (implicit im2col): row m is output pixel m, column
 * k = (ky·kw + kx)·Cin + c is input channel c under kernel tap (ky, kx), and a tap outside the image
 * holds the input zero point (the real value 0), exactly as an explicit im2col matrix would.
 *
 * Why implicit: an explicit [B·Ho·Wo, kh·kw·Cin] int32 matrix costs kh·kw times the input in memory
 * traffic and allocation, and the GEMM then copies it again into its float64 row tiles. Here the
 * tiles are filled straight from the image.
 */
import type { ConvGeometry } from '@clipq/core';
import type { RowSource } from './gemm_packed_pairs.js';
import { TILE_ROWS } from './gemm_tile.js';
import { assertInt8Code, INT8_MAX, INT8_MIN } from './packed_weights.js';

export interface PatchRows extends RowSource {
  /** Σ_k a[m,k] per row (only needed when a weight zero point is not 0). */
  rowSums(): Float64Array;
}

/** Throws when an input code is outside int8 (checked once on the image, not on every patch). */
export function checkInt8Codes(x: Int32Array, what: string, op: string): void {
  let low = 0;
  let high = 0;
  for (let i = 0; i < x.length; i++) {
    const code = x[i]!;
    if (code < low) low = code;
    else if (code > high) high = code;
  }
  if (low < INT8_MIN || high > INT8_MAX) {
    for (let i = 0; i < x.length; i++) assertInt8Code(x[i]!, i, what, op);
  }
}

/**
 * A class rather than closures: one map and one set of functions for every layer, so V8 keeps the
 * packing loop optimized with `tapOffset` inlined across calls.
 */
class ConvPatchRows implements PatchRows {
  readonly M: number;
  readonly K: number;
  private readonly C: number;
  private readonly taps: number;
  private readonly pixels: number;
  /** Per tap: its offsets from the window's top-left corner, in image rows and columns. */
  private readonly tapY: Int32Array;
  private readonly tapX: Int32Array;

  constructor(
    private readonly x: Int32Array,
    private readonly g: ConvGeometry,
    private readonly zeroPoint: number,
  ) {
    this.C = g.inChannels;
    this.taps = g.kernelHeight * g.kernelWidth;
    this.K = this.taps * this.C;
    this.pixels = g.outHeight * g.outWidth;
    this.M = g.batch * this.pixels;
    this.tapY = Int32Array.from(
      { length: this.taps },
      (_, t) => Math.floor(t / g.kernelWidth) * g.dilationHeight,
    );
    this.tapX = Int32Array.from(
      { length: this.taps },
      (_, t) => (t % g.kernelWidth) * g.dilationWidth,
    );
  }

  /** Input offset of tap t of the window at (b, y0, x0), or −1 when the tap is outside the image. */
  private tapOffset(b: number, y0: number, x0: number, t: number): number {
    const { g } = this;
    const iy = y0 + this.tapY[t]!;
    const ix = x0 + this.tapX[t]!;
    if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) return -1;
    return ((b * g.inHeight + iy) * g.inWidth + ix) * this.C;
  }

  pack(m0: number, rows: number, k0: number, depth: number, aTiles: Float64Array): void {
    const { g, C, x, zeroPoint, pixels } = this;
    const tapFirst = (k0 / C) | 0;
    const tapEnd = Math.ceil((k0 + depth) / C);
    const padded = Math.ceil(rows / TILE_ROWS) * TILE_ROWS;
    // The window of pixel m0, then stepped along the output row by row.
    let b = (m0 / pixels) | 0;
    let oy = ((m0 - b * pixels) / g.outWidth) | 0;
    let ox = m0 - b * pixels - oy * g.outWidth;
    for (let m = 0; m < padded; m++) {
      const i = m % TILE_ROWS;
      const base = (m - i) * depth + i;
      if (m >= rows) {
        for (let kk = 0, d = base; kk < depth; kk++, d += TILE_ROWS) aTiles[d] = 0;
        continue;
      }
      const y0 = oy * g.strideHeight - g.padTop;
      const x0 = ox * g.strideWidth - g.padLeft;
      for (let t = tapFirst; t < tapEnd; t++) {
        const kStart = Math.max(t * C, k0);
        const kEnd = Math.min(t * C + C, k0 + depth);
        let d = base + (kStart - k0) * TILE_ROWS;
        const offset = this.tapOffset(b, y0, x0, t);
        if (offset < 0) {
          for (let k = kStart; k < kEnd; k++, d += TILE_ROWS) aTiles[d] = zeroPoint;
        } else {
          for (let s = offset + kStart - t * C, k = kStart; k < kEnd; k++, s++) {
            aTiles[d] = x[s]!;
            d += TILE_ROWS;
          }
        }
      }
      if (++ox === g.outWidth) {
        ox = 0;
        if (++oy === g.outHeight) {
          oy = 0;
          b++;
        }
      }
    }
  }

  rowSums(): Float64Array {
    const { g, C, x, zeroPoint, pixels } = this;
    const sums = new Float64Array(this.M);
    for (let m = 0; m < this.M; m++) {
      const b = (m / pixels) | 0;
      const oy = ((m - b * pixels) / g.outWidth) | 0;
      const ox = m - b * pixels - oy * g.outWidth;
      const y0 = oy * g.strideHeight - g.padTop;
      const x0 = ox * g.strideWidth - g.padLeft;
      let sum = 0;
      for (let t = 0; t < this.taps; t++) {
        const offset = this.tapOffset(b, y0, x0, t);
        if (offset < 0) sum += zeroPoint * C;
        else for (let c = 0; c < C; c++) sum += x[offset + c]!;
      }
      sums[m] = sum;
    }
    return sums;
  }
}

export function convPatchRows(x: Int32Array, g: ConvGeometry, zeroPoint: number): PatchRows {
  return new ConvPatchRows(x, g, zeroPoint);
}
