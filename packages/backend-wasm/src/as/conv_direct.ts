// Direct int8 convolution for few input channels (the first layer of a CNN: C = 1 or 3), where
// im2col + GEMM spent more time building patch rows than multiplying (K = 9 or 27).
//
// Each image is first copied into a padded i16 buffer of x − zx (conv_padded.ts: 0 in the padding), so
// every output pixel is an interior one and its taps in filter row ky are kernelWidth·C contiguous i16
// codes. Each i16 pair of neighbours is one `v128.load32_splat`, multiplied by the matching pair of
// filter rows with `i32x4.dot_i16x8_s`. Two neighbouring output pixels share each weight load: 2
// pixels × 16 output channels (8 accumulators) per pass. The weights come pre-arranged as i16 pairs
// [kernelHeight][pairs][N] (zero points subtracted, zero past the row's kernelWidth·C taps), so the
// code read past a row's end meets a zero weight. (Before: border pixels gathered their rows one code
// at a time, and every interior tap was subtracted and narrowed once per output pixel; 3×3 over one
// channel ran ~1.6x slower.)
//
// Exact: the host checks |x − zx| and |w − zw| fit in int16 and taps·max|x'|·max|w'| < 2^31.
import {
  batch,
  C,
  dilationHeight,
  inHeight,
  inWidth,
  kernelHeight,
  loadConvGeometry,
  outHeight,
  outWidth,
  strideHeight,
  strideWidth,
} from './conv_geometry';
import { padImage } from './conv_padded';
import { finishNoZeroPoint, storeFinished } from './epilogue';
import { panelCode } from './pack';

let pairs = 0; // i16 pairs per filter row: ceil(kernelWidth·C / 2)
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
  return panelCode(filter, k, n, N, panelPairs);
}

/**
 * out = epilogue(conv(x, w)) for N % 16 == 0 and an undilated width; `pooled` = 1 fuses a 2×2,
 * stride-2, 'valid' max pool (the host checks that every multiplier is ≥ 0, see convPaddedGemm). `geometry`: 13 i32 (see
 * depthwise.ts). `padded`: one padded image of `rowCodes` i16 codes per row (see padImage; the host
 * sizes it); `spare`: N·4 bytes where the second pixel of the last pair goes when outWidth is odd.
 */
export function convDirect(
  x: usize, geometry: usize, padLeftArg: i32, xZeroPoint: i32, weights: usize, rowPairs: i32, N: i32,
  out: usize, padded: usize, rowCodes: i32, spare: usize, pooled: i32,
): void {
  loadConvGeometry(geometry, padLeftArg, xZeroPoint);
  pairs = rowPairs;
  channels = N;
  const rowBytes = <usize>rowCodes << 1;
  const pixelStep = <usize>(strideWidth * C) << 1;
  const outPixel = <usize>N << 2;
  const imageCodes = <usize>(inHeight * inWidth * C);
  let o = out;
  for (let b = 0; b < batch; b++) {
    padImage(x + ((<usize>b * imageCodes) << 2), padded, rowCodes);
    if (pooled) {
      // 2×2 stride-2 'valid' max pool fused (see convPaddedGemm): one window per pooled pixel.
      const windowRows = <usize>(2 * strideHeight) * rowBytes;
      for (let py = 0; py < outHeight >> 1; py++) {
        const row = padded + <usize>py * windowRows;
        for (let px = 0; px < outWidth >> 1; px++, o += outPixel) {
          pixelWindow(row + <usize>px * (pixelStep << 1), pixelStep, <usize>strideHeight * rowBytes, <usize>dilationHeight * rowBytes, weights, o);
        }
      }
      continue;
    }
    for (let oy = 0; oy < outHeight; oy++) {
      const row = padded + <usize>(oy * strideHeight) * rowBytes;
      for (let ox = 0; ox < outWidth; ox += 2, o += outPixel << 1) {
        const second = ox + 1 < outWidth ? o + outPixel : spare;
        pixelPair(row + <usize>ox * pixelStep, pixelStep, <usize>dilationHeight * rowBytes, weights, o, second);
      }
      if (outWidth & 1) o -= outPixel;
    }
  }
}

/** Two output pixels (rows at `src` and `src` + `step`, ky·`rowStride` apart), all N channels. */
@inline
function pixelPair(src: usize, step: usize, rowStride: usize, weights: usize, o: usize, o2: usize): void {
  const pairBytes = <usize>channels << 2;
  for (let n = 0; n < channels; n += 16) {
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let a2 = i32x4.splat(0);
    let a3 = i32x4.splat(0);
    let b0 = i32x4.splat(0);
    let b1 = i32x4.splat(0);
    let b2 = i32x4.splat(0);
    let b3 = i32x4.splat(0);
    let w = weights + (<usize>n << 2);
    for (let ky = 0; ky < kernelHeight; ky++) {
      const row = src + <usize>ky * rowStride;
      for (let p = 0; p < pairs; p++, w += pairBytes) {
        const first = v128.load32_splat(row + (<usize>p << 2));
        const second = v128.load32_splat(row + step + (<usize>p << 2));
        const w0 = v128.load(w);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(first, w0));
        b0 = i32x4.add(b0, i32x4.dot_i16x8_s(second, w0));
        const w1 = v128.load(w, 16);
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(first, w1));
        b1 = i32x4.add(b1, i32x4.dot_i16x8_s(second, w1));
        const w2 = v128.load(w, 32);
        a2 = i32x4.add(a2, i32x4.dot_i16x8_s(first, w2));
        b2 = i32x4.add(b2, i32x4.dot_i16x8_s(second, w2));
        const w3 = v128.load(w, 48);
        a3 = i32x4.add(a3, i32x4.dot_i16x8_s(first, w3));
        b3 = i32x4.add(b3, i32x4.dot_i16x8_s(second, w3));
      }
    }
    const dst = o + (<usize>n << 2);
    storeFinished(dst, finishNoZeroPoint(a0, n));
    storeFinished(dst + 16, finishNoZeroPoint(a1, n + 4));
    storeFinished(dst + 32, finishNoZeroPoint(a2, n + 8));
    storeFinished(dst + 48, finishNoZeroPoint(a3, n + 12));
    const dst2 = o2 + (<usize>n << 2);
    storeFinished(dst2, finishNoZeroPoint(b0, n));
    storeFinished(dst2 + 16, finishNoZeroPoint(b1, n + 4));
    storeFinished(dst2 + 32, finishNoZeroPoint(b2, n + 8));
    storeFinished(dst2 + 48, finishNoZeroPoint(b3, n + 12));
  }
}

/**
 * One pooled pixel: the 2×2 window of output pixels at `src`, + `step`, + `below`, + `below` + `step`,
 * 8 channels per pass (8 accumulators), then the epilogue of the per-channel max accumulator.
 */
@inline
function pixelWindow(src: usize, step: usize, below: usize, rowStride: usize, weights: usize, o: usize): void {
  const pairBytes = <usize>channels << 2;
  for (let n = 0; n < channels; n += 8) {
    let a0 = i32x4.splat(0);
    let a1 = i32x4.splat(0);
    let b0 = i32x4.splat(0);
    let b1 = i32x4.splat(0);
    let c0 = i32x4.splat(0);
    let c1 = i32x4.splat(0);
    let d0 = i32x4.splat(0);
    let d1 = i32x4.splat(0);
    let w = weights + (<usize>n << 2);
    for (let ky = 0; ky < kernelHeight; ky++) {
      const row = src + <usize>ky * rowStride;
      for (let p = 0; p < pairs; p++, w += pairBytes) {
        const at = row + (<usize>p << 2);
        const w0 = v128.load(w);
        const w1 = v128.load(w, 16);
        let v = v128.load32_splat(at);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v, w0));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v, w1));
        v = v128.load32_splat(at + step);
        b0 = i32x4.add(b0, i32x4.dot_i16x8_s(v, w0));
        b1 = i32x4.add(b1, i32x4.dot_i16x8_s(v, w1));
        v = v128.load32_splat(at + below);
        c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v, w0));
        c1 = i32x4.add(c1, i32x4.dot_i16x8_s(v, w1));
        v = v128.load32_splat(at + below + step);
        d0 = i32x4.add(d0, i32x4.dot_i16x8_s(v, w0));
        d1 = i32x4.add(d1, i32x4.dot_i16x8_s(v, w1));
      }
    }
    const dst = o + (<usize>n << 2);
    storeFinished(dst, finishNoZeroPoint(i32x4.max_s(i32x4.max_s(a0, b0), i32x4.max_s(c0, d0)), n));
    storeFinished(dst + 16, finishNoZeroPoint(i32x4.max_s(i32x4.max_s(a1, b1), i32x4.max_s(c1, d1)), n + 4));
  }
}
