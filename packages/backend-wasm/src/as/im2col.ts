// im2col for the int8 convolution, into the GEMM's packed-A layout ([rows/4][Kp][4] i32 of i16 pairs,
// see mat_mul_int8.ts): row m = output pixel (b, oy, ox), k = (ky·kernelWidth + kx)·C + c, value
// x − zeroPoint inside the image and 0 (the zero point) in the padding.
//
// Each patch is built as a plain i16 row first, from runs of contiguous codes (a whole filter row,
// kernelWidth·C codes, when the patch row is inside the image and undilated; otherwise C codes per
// tap): 8 codes per step (2 loads, subtract, narrow, one store), with the code range and the row sum
// accumulated on the way. Then 4 rows are interleaved by a 4×4 transpose of i32 lanes. The previous
// version stored one i16 per code into the interleaved layout directly and ran at ~4.5 ns per code.

import {
  batch,
  C,
  dilationHeight,
  dilationWidth,
  inHeight,
  inWidth,
  kernelHeight,
  kernelWidth,
  loadConvGeometry,
  outHeight,
  outWidth,
  padLeft,
  padTop,
  strideHeight,
  strideWidth,
  zeroPoint,
} from './conv_geometry';
let Kp = 0;
// Code range read so far.
let vectorLow: v128 = i32x4.splat(0);
let vectorHigh: v128 = i32x4.splat(0);


/** Sets the geometry (13 i32, see conv_geometry.ts) and resets the code range; returns M (output pixels). */
export function setPatchGeometry(geometry: usize, padLeftArg: i32, zeroPointArg: i32, KpArg: i32): i32 {
  loadConvGeometry(geometry, padLeftArg, zeroPointArg);
  Kp = KpArg;
  vectorLow = i32x4.splat(i32.MAX_VALUE);
  vectorHigh = i32x4.splat(i32.MIN_VALUE);
  return batch * outHeight * outWidth;
}

/** The smallest code read since setPatchGeometry; `boundsMax()` then returns the largest. */
export function patchBounds(): i32 {
  const lo = vectorLow;
  const hi = vectorHigh;
  const low = min(min(i32x4.extract_lane(lo, 0), i32x4.extract_lane(lo, 1)), min(i32x4.extract_lane(lo, 2), i32x4.extract_lane(lo, 3)));
  const high = max(max(i32x4.extract_lane(hi, 0), i32x4.extract_lane(hi, 1)), max(i32x4.extract_lane(hi, 2), i32x4.extract_lane(hi, 3)));
  setLastMax(high);
  return low;
}

import { setLastMax } from './pack';

/**
 * Writes `count` codes minus the zero point as i16 at `dst`; returns their sum. Whole vectors of 8 codes;
 * the last one is masked: lanes past `count` take the zero-point code (0 after subtracting it, so they
 * add nothing to the sum or the range check), and its store may run up to 7 i16 past the end (later
 * runs overwrite them; past K they meet B's zero rows). Reading up to 28 bytes past the run stays
 * inside the memory: the host makes sure 32 readable bytes follow the input.
 */
@inline
function copyRun(src: usize, count: i32, dst: usize): i32 {
  const zero = i32x4.splat(zeroPoint);
  let lo = vectorLow;
  let hi = vectorHigh;
  let sums = i32x4.splat(0);
  for (let j = 0; j < count; j += 8) {
    let v = v128.load(src + (<usize>j << 2));
    let w = v128.load(src + (<usize>j << 2), 16);
    const left = count - j;
    if (left < 8) {
      const lanes = i32x4.splat(left);
      v = v128.bitselect(v, zero, i32x4.gt_s(lanes, LANES_0123));
      w = v128.bitselect(w, zero, i32x4.gt_s(lanes, LANES_4567));
    }
    lo = i32x4.min_s(lo, i32x4.min_s(v, w));
    hi = i32x4.max_s(hi, i32x4.max_s(v, w));
    const a = i32x4.sub(v, zero);
    const b = i32x4.sub(w, zero);
    sums = i32x4.add(sums, i32x4.add(a, b));
    v128.store(dst + (<usize>j << 1), i16x8.narrow_i32x4_s(a, b));
  }
  vectorLow = lo;
  vectorHigh = hi;
  return i32x4.extract_lane(sums, 0) + i32x4.extract_lane(sums, 1) + i32x4.extract_lane(sums, 2) + i32x4.extract_lane(sums, 3);
}

const LANES_0123 = i32x4(0, 1, 2, 3);
const LANES_4567 = i32x4(4, 5, 6, 7);

/** Zeroes `count` i16 at `dst`, possibly a few past the end (later runs overwrite them). */
@inline
function zeroRun(dst: usize, count: i32): void {
  for (let j = 0; j < count; j += 8) v128.store(dst + (<usize>j << 1), i32x4.splat(0));
}

/** Builds the i16 patch row of output pixel (b, oy, ox) at `dst`; returns Σ (x − zeroPoint) over the row. */
function patchRow(x: usize, b: i32, oy: i32, ox: i32, dst: usize): i32 {
  const iy0 = oy * strideHeight - padTop;
  const ix0 = ox * strideWidth - padLeft;
  const run = kernelWidth * C;
  const whole = dilationWidth == 1 && ix0 >= 0 && ix0 + kernelWidth <= inWidth;
  const pixelBytes = <usize>C << 2;
  let sum = 0;
  for (let ky = 0; ky < kernelHeight; ky++) {
    const iy = iy0 + ky * dilationHeight;
    const k0 = ky * run;
    const rowDst = dst + (<usize>k0 << 1);
    if (iy < 0 || iy >= inHeight) {
      zeroRun(rowDst, run);
      continue;
    }
    const rowSrc = x + <usize>((b * inHeight + iy) * inWidth) * pixelBytes;
    if (whole) {
      sum += copyRun(rowSrc + <usize>ix0 * pixelBytes, run, rowDst);
      continue;
    }
    for (let kx = 0; kx < kernelWidth; kx++) {
      const ix = ix0 + kx * dilationWidth;
      const tapDst = rowDst + (<usize>(kx * C) << 1);
      if (ix < 0 || ix >= inWidth) zeroRun(tapDst, C);
      else sum += copyRun(rowSrc + <usize>ix * pixelBytes, C, tapDst);
    }
  }
  return sum;
}

/**
 * Packs output pixels [m0, m0 + rows) into `chunk` (packed-A layout) and their row sums into
 * `rowSums`, through `rowBuffer` (4 rows of Kp·4 + 32 bytes).
 */
export function patchRows(x: usize, m0: i32, rows: i32, chunk: usize, rowSums: usize, rowBuffer: usize): void {
  const rowStride = (<usize>Kp << 2) + 32;
  // Output pixel m0 = (b, oy, ox), then stepped along (no divisions per row: i32.div costs ~20+ cycles).
  let ox = m0 % outWidth;
  let oy = (m0 / outWidth) % outHeight;
  let b = m0 / (outWidth * outHeight);
  for (let m = 0; m < rows; m += 4) {
    const count = min(4, rows - m);
    for (let r = 0; r < count; r++) {
      store<i32>(rowSums + (<usize>(m + r) << 2), patchRow(x, b, oy, ox, rowBuffer + <usize>r * rowStride));
      if (++ox == outWidth) {
        ox = 0;
        if (++oy == outHeight) {
          oy = 0;
          b++;
        }
      }
    }
    // 4 rows × 4 k-pairs per step: a 4×4 transpose of i32 lanes (rows past `count` hold stale values
    // that the GEMM computes with but never stores).
    const block = chunk + <usize>(m >> 2) * (<usize>Kp << 4);
    for (let kp = 0; kp < Kp; kp += 4) {
      const offset = <usize>kp << 2;
      const r0 = v128.load(rowBuffer + offset);
      const r1 = v128.load(rowBuffer + rowStride + offset);
      const r2 = v128.load(rowBuffer + rowStride * 2 + offset);
      const r3 = v128.load(rowBuffer + rowStride * 3 + offset);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const dst = block + (<usize>kp << 4);
      v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(dst, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
      if (kp + 2 < Kp) {
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        v128.store(dst, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
        v128.store(dst, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
      }
    }
  }
}
