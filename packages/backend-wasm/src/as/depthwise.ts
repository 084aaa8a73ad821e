// Exact int8 depthwise convolution (NHWC, channel multiplier 1) on SIMD128, bit-identical to core's
// depthwiseConv2dInt8AccImpl + requantizeOutputImpl. Four channels per vector, exact int32 accumulation
// (the host checks taps·max|x'|·max|w'| < 2^31), then the matmul's fused epilogue (setEpilogue,
// bZeroPoint unused: the weights come with their zero points folded in).
//
// Output pixels of 3×3 filters whose tap columns are inside the image take the fast path: channel group outer,
// output pixels of the row inner, so the 9 weight vectors stay in registers, and the input zero point is
// folded out of the loop: Σ (x − zx)·w = Σ x·w − zx·Σ w (wrapping int32, exact because the true sum
// fits). That is 1 load, 1 mul and 1 add per tap and 4 channels. Border pixels and other filter sizes
// take a per-pixel loop over the in-image taps only. The old per-pixel loop (bounds checks per tap,
// weights reloaded) ran at 0.25–0.45x of XNNPACK's float depthwise.
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
import { finishNoZeroPoint, storeFinished } from './epilogue';

// The geometry is in conv_geometry.ts's module globals, so the border path reads it without 15 arguments.

/**
 * `weights`: i32 [taps][C] with the zero points already subtracted. `geometry`: i32 [13] =
 * batch, inHeight, inWidth, C, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight,
 * dilationWidth, outHeight, outWidth, padTop; `padLeftArg` separately. `zeroRow`: scratch of
 * inWidth·C·4 bytes (rounded up to 16).
 */
export function depthwise(x: usize, weights: usize, geometry: usize, padLeftArg: i32, xZeroPoint: i32, out: usize, zeroRow: usize): void {
  loadConvGeometry(geometry, padLeftArg, xZeroPoint);
  const channelBytes = <usize>C << 2;
  // Output columns whose taps are all inside the image: ox·sw − padLeft ≥ 0 and
  // ox·sw − padLeft + (kw − 1)·dw ≤ inWidth − 1.
  const oxLo = min((padLeft + strideWidth - 1) / strideWidth, outWidth);
  const lastStart = inWidth - 1 + padLeft - (kernelWidth - 1) * dilationWidth;
  const oxHi = lastStart < 0 ? oxLo : max(oxLo, min(lastStart / strideWidth + 1, outWidth));
  const fast = kernelHeight == 3 && kernelWidth == 3 && C >= 4;
  const C4 = C & ~3;
  // Rows above and below the image read a row of zero-point codes instead: (zx − zx)·w = 0, so the fast
  // path covers every output row and only the border columns need the per-pixel loop.
  if (fast) {
    const zero = i32x4.splat(zeroPoint);
    const bytes = <usize>inWidth * channelBytes;
    for (let i: usize = 0; i < bytes; i += 16) v128.store(zeroRow + i, zero);
  }
  const rowBytes = <usize>inWidth * channelBytes;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * inHeight) * rowBytes;
    for (let oy = 0; oy < outHeight; oy++) {
      const outRow = out + <usize>((b * outHeight + oy) * outWidth) * channelBytes;
      if (!fast || oxLo >= oxHi) {
        for (let ox = 0; ox < outWidth; ox++) pixel(x, weights, b, oy, ox, 0, outRow + <usize>ox * channelBytes);
        continue;
      }
      for (let ox = 0; ox < oxLo; ox++) pixel(x, weights, b, oy, ox, 0, outRow + <usize>ox * channelBytes);
      for (let ox = oxHi; ox < outWidth; ox++) pixel(x, weights, b, oy, ox, 0, outRow + <usize>ox * channelBytes);
      if (C4 < C) {
        for (let ox = oxLo; ox < oxHi; ox++) pixel(x, weights, b, oy, ox, C4, outRow + <usize>ox * channelBytes);
      }
      const iy0 = oy * strideHeight - padTop;
      const iy1 = iy0 + dilationHeight;
      const iy2 = iy1 + dilationHeight;
      interiorRow3x3(
        iy0 >= 0 && iy0 < inHeight ? image + <usize>iy0 * rowBytes : zeroRow,
        iy1 >= 0 && iy1 < inHeight ? image + <usize>iy1 * rowBytes : zeroRow,
        iy2 >= 0 && iy2 < inHeight ? image + <usize>iy2 * rowBytes : zeroRow,
        weights, oxLo, oxHi, outRow,
      );
    }
  }
}

/** Output pixels [oxLo, oxHi) of one row (every tap column inside the image), channels [0, C & ~3). */
function interiorRow3x3(row0: usize, row1: usize, row2: usize, weights: usize, oxLo: i32, oxHi: i32, outRow: usize): void {
  const channelBytes = <usize>C << 2;
  const tapX = <usize>dilationWidth * channelBytes;
  const step = <usize>strideWidth * channelBytes;
  const zero = i32x4.splat(zeroPoint);
  const C4 = C & ~3;
  for (let c = 0; c < C4; c += 4) {
    const w = weights + (<usize>c << 2);
    const w0 = v128.load(w);
    const w1 = v128.load(w + channelBytes);
    const w2 = v128.load(w + channelBytes * 2);
    const w3 = v128.load(w + channelBytes * 3);
    const w4 = v128.load(w + channelBytes * 4);
    const w5 = v128.load(w + channelBytes * 5);
    const w6 = v128.load(w + channelBytes * 6);
    const w7 = v128.load(w + channelBytes * 7);
    const w8 = v128.load(w + channelBytes * 8);
    const sum = i32x4.add(
      i32x4.add(i32x4.add(w0, w1), i32x4.add(w2, w3)),
      i32x4.add(i32x4.add(i32x4.add(w4, w5), i32x4.add(w6, w7)), w8),
    );
    const correction = i32x4.mul(sum, zero);
    const start = <usize>(oxLo * strideWidth - padLeft) * channelBytes + (<usize>c << 2);
    let p = row0 + start;
    let q = row1 + start;
    let r = row2 + start;
    let o = outRow + <usize>oxLo * channelBytes + (<usize>c << 2);
    for (let ox = oxLo; ox < oxHi; ox++) {
      let acc = i32x4.mul(v128.load(p), w0);
      acc = i32x4.add(acc, i32x4.mul(v128.load(p + tapX), w1));
      acc = i32x4.add(acc, i32x4.mul(v128.load(p + tapX * 2), w2));
      acc = i32x4.add(acc, i32x4.mul(v128.load(q), w3));
      acc = i32x4.add(acc, i32x4.mul(v128.load(q + tapX), w4));
      acc = i32x4.add(acc, i32x4.mul(v128.load(q + tapX * 2), w5));
      acc = i32x4.add(acc, i32x4.mul(v128.load(r), w6));
      acc = i32x4.add(acc, i32x4.mul(v128.load(r + tapX), w7));
      acc = i32x4.add(acc, i32x4.mul(v128.load(r + tapX * 2), w8));
      storeFinished(o, finishNoZeroPoint(i32x4.sub(acc, correction), c));
      p += step;
      q += step;
      r += step;
      o += channelBytes;
    }
  }
}

/** One output pixel, channels [cStart, C): only the taps inside the image, (x − zx)·w each. */
function pixel(x: usize, weights: usize, b: i32, oy: i32, ox: i32, cStart: i32, o: usize): void {
  const channelBytes = <usize>C << 2;
  const iy0 = oy * strideHeight - padTop;
  const ix0 = ox * strideWidth - padLeft;
  // In-image taps: 0 ≤ iy0 + ky·dh < inHeight (and the same for x).
  let kyLo = 0;
  while (kyLo < kernelHeight && iy0 + kyLo * dilationHeight < 0) kyLo++;
  let kyHi = kernelHeight;
  while (kyHi > kyLo && iy0 + (kyHi - 1) * dilationHeight >= inHeight) kyHi--;
  let kxLo = 0;
  while (kxLo < kernelWidth && ix0 + kxLo * dilationWidth < 0) kxLo++;
  let kxHi = kernelWidth;
  while (kxHi > kxLo && ix0 + (kxHi - 1) * dilationWidth >= inWidth) kxHi--;
  const image = x + <usize>(b * inHeight * inWidth) * channelBytes;
  const zero = i32x4.splat(zeroPoint);
  let c = cStart;
  for (; c + 4 <= C; c += 4) {
    let acc = i32x4.splat(0);
    for (let ky = kyLo; ky < kyHi; ky++) {
      const row = image + <usize>((iy0 + ky * dilationHeight) * inWidth) * channelBytes + (<usize>c << 2);
      const w = weights + <usize>(ky * kernelWidth) * channelBytes + (<usize>c << 2);
      for (let kx = kxLo; kx < kxHi; kx++) {
        const src = row + <usize>(ix0 + kx * dilationWidth) * channelBytes;
        acc = i32x4.add(acc, i32x4.mul(i32x4.sub(v128.load(src), zero), v128.load(w + <usize>kx * channelBytes)));
      }
    }
    storeFinished(o + (<usize>c << 2), finishNoZeroPoint(acc, c));
  }
  for (; c < C; c++) {
    let acc: i32 = 0;
    for (let ky = kyLo; ky < kyHi; ky++) {
      const row = image + <usize>((iy0 + ky * dilationHeight) * inWidth) * channelBytes + (<usize>c << 2);
      const w = weights + <usize>(ky * kernelWidth) * channelBytes + (<usize>c << 2);
      for (let kx = kxLo; kx < kxHi; kx++) {
        acc += (load<i32>(row + <usize>(ix0 + kx * dilationWidth) * channelBytes) - zeroPoint) * load<i32>(w + <usize>kx * channelBytes);
      }
    }
    store<i32>(o + (<usize>c << 2), i32x4.extract_lane(finishNoZeroPoint(i32x4.splat(acc), c), 0));
  }
}

/**
 * Folds the filter's zero points into its codes: out[t][c] = filter[t][c] − zeroPoints[c] (or the one
 * per-tensor zero point) as i32, for `taps` rows of C channels. The filter is int32 codes
 * (`codeBytes` 4: the codes tensor) or int8 (`codeBytes` 1: a pinned copy). Returns the largest
 * |w − zw|, which the host needs for its exactness bound.
 */
export function foldWeights(
  filter: usize, codeBytes: i32, taps: i32, channels: i32, zeroPoints: usize, zeroCount: i32, out: usize,
): i32 {
  let largest: i64 = 0;
  for (let t = 0; t < taps; t++) {
    for (let c = 0; c < channels; c++) {
      const index = t * channels + c;
      const i = <usize>index << 2;
      const code = codeBytes == 1 ? <i32>load<i8>(filter + <usize>index) : load<i32>(filter + i);
      const w = <i64>code - <i64>load<i32>(zeroPoints + (zeroCount == 1 ? 0 : <usize>c << 2));
      store<i32>(out + i, <i32>w);
      largest = max(largest, w < 0 ? -w : w);
    }
  }
  return <i32>min(largest, <i64>i32.MAX_VALUE);
}
