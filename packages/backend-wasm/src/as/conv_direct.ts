// Direct int8 convolution for few input channels (the first layer of a CNN: C = 1 or 3), where
// im2col + GEMM spent more time building patch rows than multiplying (K = 9 or 27).
//
// Within one filter row ky, the taps of an interior output pixel are kernelWidth·C contiguous codes
// (undilated columns). They are taken 4 at a time (one load, minus the zero point, narrowed to i16), and
// each i16 pair of neighbours is splatted and multiplied by the matching pair of filter rows with
// `i32x4.dot_i16x8_s`: 16 output channels (4 accumulators) per pass. The weights come pre-arranged as
// i16 pairs [kernelHeight][pairs][N] (zero points subtracted, zero past the row's kernelWidth·C taps),
// so the codes read past a row's end (up to 3) meet zero weights. Pixels with taps outside the image
// gather their rows into a small buffer first, with the zero point's value (0) in the padding.
//
// Exact: the host checks |x − zx| and |w − zw| fit in int16 and taps·max|x'|·max|w'| < 2^31.
import {
  batch,
  C,
  dilationHeight,
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
import { finishNoZeroPoint, storeFinished } from './epilogue';
import { panelIndex } from './pack';

let pairs = 0; // i16 pairs per filter row: ceil(kernelWidth·C / 2), rounded up to even
let channels = 0; // N, a multiple of 16

/**
 * Arranges filter codes [kh, kw, C, N] as i16 pairs of (w − zw) for convDirect: out[ky][p][n] =
 * (w[ky][2p][n] & 0xffff) | (w[ky][2p + 1][n] << 16), taps counted along the row (j = kx·C + c), 0
 * past kernelWidth·C. The codes are int32 (`panelPairs` 0: the filter tensor) or the GEMM's int8 panels
 * of the filter as [kh·kw·C, N] with `panelPairs` k-pairs (pinned weights; see pack.ts). Returns the
 * largest |w − zw| (the host requires ≤ 32767).
 */
export function prepareDirectWeights(
  filter: usize, panelPairs: i32, zeroPoints: usize, zeroCount: i32, kh: i32, rowTaps: i32, rowPairs: i32, N: i32,
  out: usize,
): i32 {
  let largest: i64 = 0;
  for (let ky = 0; ky < kh; ky++) {
    for (let p = 0; p < rowPairs; p++) {
      for (let n = 0; n < N; n++) {
        const zero = <i64>load<i32>(zeroPoints + (zeroCount == 1 ? 0 : <usize>n << 2));
        let first: i64 = 0;
        let second: i64 = 0;
        const j = p * 2;
        if (j < rowTaps) first = <i64>filterCode(filter, panelPairs, ky * rowTaps + j, n, N) - zero;
        if (j + 1 < rowTaps) second = <i64>filterCode(filter, panelPairs, ky * rowTaps + j + 1, n, N) - zero;
        largest = max(largest, max(first < 0 ? -first : first, second < 0 ? -second : second));
        store<i32>(out + (<usize>((ky * rowPairs + p) * N + n) << 2), (<i32>first & 0xffff) | (<i32>second << 16));
      }
    }
  }
  return <i32>min(largest, <i64>i32.MAX_VALUE);
}

/** Code (k, n) of a [K, N] filter: int32 row-major, or packB's int8 panels (`panelPairs` > 0). */
@inline
function filterCode(filter: usize, panelPairs: i32, k: i32, n: i32, N: i32): i32 {
  if (panelPairs == 0) return load<i32>(filter + (<usize>(k * N + n) << 2));
  return <i32>load<i8>(filter + panelIndex(k, n, N, panelPairs));
}

/**
 * out = epilogue(conv(x, w)) for N % 16 == 0 and an undilated width. `geometry`: 13 i32 (see
 * depthwise.ts). `gather`: kernelHeight·(2·pairs + 4)·4 bytes for border pixels.
 */
export function convDirect(
  x: usize, geometry: usize, padLeftArg: i32, xZeroPoint: i32, weights: usize, rowPairs: i32, N: i32,
  out: usize, gather: usize,
): void {
  loadConvGeometry(geometry, padLeftArg, xZeroPoint);
  pairs = rowPairs;
  channels = N;
  const pixelBytes = <usize>C << 2;
  const rowBytes = <usize>inWidth * pixelBytes;
  const gatherRow = <usize>(pairs * 2 + 4) << 2;
  const outPixel = <usize>N << 2;
  let o = out;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * inHeight) * rowBytes;
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const rowsInside = iy0 >= 0 && iy0 + (kernelHeight - 1) * dilationHeight < inHeight;
      for (let ox = 0; ox < outWidth; ox++, o += outPixel) {
        const ix0 = ox * strideWidth - padLeft;
        if (rowsInside && ix0 >= 0 && ix0 + kernelWidth <= inWidth) {
          pixel(image + <usize>iy0 * rowBytes + <usize>ix0 * pixelBytes, <usize>dilationHeight * rowBytes, weights, o);
        } else {
          gatherPixel(image, iy0, ix0, gather, gatherRow);
          pixel(gather, gatherRow, weights, o);
        }
      }
    }
  }
}

/**
 * Copies the pixel's kernelHeight rows of kernelWidth·C codes to `dst` (the zero point outside the image
 * and past the row). Loops per tap and channel: j / C and j % C per code (two i32.div) made border
 * pixels cost ~1000 cycles each.
 */
function gatherPixel(image: usize, iy0: i32, ix0: i32, dst: usize, rowStride: usize): void {
  const length = pairs * 2 + 4;
  const pixelBytes = <usize>C << 2;
  for (let ky = 0; ky < kernelHeight; ky++) {
    const iy = iy0 + ky * dilationHeight;
    const row = dst + <usize>ky * rowStride;
    const rowInside = iy >= 0 && iy < inHeight;
    const src = image + <usize>(iy * inWidth) * pixelBytes;
    let j = 0;
    for (let kx = 0; kx < kernelWidth; kx++) {
      const ix = ix0 + kx;
      const inside = rowInside && ix >= 0 && ix < inWidth;
      for (let c = 0; c < C; c++, j++) {
        let code = zeroPoint;
        if (inside) code = load<i32>(src + <usize>ix * pixelBytes + (<usize>c << 2));
        store<i32>(row + (<usize>j << 2), code);
      }
    }
    for (; j < length; j++) store<i32>(row + (<usize>j << 2), zeroPoint);
  }
}

/** One output pixel from rows at `src` + ky·`rowStride` (4-code loads), all N channels. */
@inline
function pixel(src: usize, rowStride: usize, weights: usize, o: usize): void {
  const zero = i32x4.splat(zeroPoint);
  const pairBytes = <usize>channels << 2;
  for (let n = 0; n < channels; n += 16) {
    let acc0 = i32x4.splat(0);
    let acc1 = i32x4.splat(0);
    let acc2 = i32x4.splat(0);
    let acc3 = i32x4.splat(0);
    let w = weights + (<usize>n << 2);
    for (let ky = 0; ky < kernelHeight; ky++) {
      const row = src + <usize>ky * rowStride;
      for (let p = 0; p < pairs; p += 2) {
        const codes = i32x4.sub(v128.load(row + (<usize>p << 3)), zero);
        const narrow = i16x8.narrow_i32x4_s(codes, codes);
        const first = i32x4.shuffle(narrow, narrow, 0, 0, 0, 0);
        const second = i32x4.shuffle(narrow, narrow, 1, 1, 1, 1);
        acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(first, v128.load(w)));
        acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(first, v128.load(w, 16)));
        acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(first, v128.load(w, 32)));
        acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(first, v128.load(w, 48)));
        w += pairBytes;
        acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(second, v128.load(w)));
        acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(second, v128.load(w, 16)));
        acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(second, v128.load(w, 32)));
        acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(second, v128.load(w, 48)));
        w += pairBytes;
      }
    }
    const dst = o + (<usize>n << 2);
    storeFinished(dst, finishNoZeroPoint(acc0, n));
    storeFinished(dst + 16, finishNoZeroPoint(acc1, n + 4));
    storeFinished(dst + 32, finishNoZeroPoint(acc2, n + 8));
    storeFinished(dst + 48, finishNoZeroPoint(acc3, n + 12));
  }
}
