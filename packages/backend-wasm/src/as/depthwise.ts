// Exact int8 depthwise convolution (NHWC, channel multiplier 1) on SIMD128, bit-identical to core's
// depthwiseConv2dInt8AccImpl + requantizeOutputImpl. Four channels per vector: for every output pixel
// and in-image tap, acc += (x − xZeroPoint)·(w − wZeroPoint), in int32 (exact: the host checks
// taps·max|x'|·max|w'| < 2^31), then the matmul's fused epilogue (setEpilogue, bZeroPoint unused).
import { finish } from './epilogue';

/**
 * `weights`: i32 [taps][C] with the zero points already subtracted. `geometry`: i32 [13] =
 * batch, inHeight, inWidth, C, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight,
 * dilationWidth, outHeight, outWidth, padTop; `padLeft` separately.
 */
export function depthwise(x: usize, weights: usize, geometry: usize, padLeft: i32, xZeroPoint: i32, out: usize): void {
  const batch = load<i32>(geometry);
  const inHeight = load<i32>(geometry, 4);
  const inWidth = load<i32>(geometry, 8);
  const C = load<i32>(geometry, 12);
  const kernelHeight = load<i32>(geometry, 16);
  const kernelWidth = load<i32>(geometry, 20);
  const strideHeight = load<i32>(geometry, 24);
  const strideWidth = load<i32>(geometry, 28);
  const dilationHeight = load<i32>(geometry, 32);
  const dilationWidth = load<i32>(geometry, 36);
  const outHeight = load<i32>(geometry, 40);
  const outWidth = load<i32>(geometry, 44);
  const padTop = load<i32>(geometry, 48);
  const zero = i32x4.splat(xZeroPoint);
  const noZeroPoints = i32x4.splat(0);
  const channelBytes = <usize>C << 2;
  let o = out;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, o += channelBytes) {
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let acc = i32x4.splat(0);
          for (let ky = 0; ky < kernelHeight; ky++) {
            const iy = oy * strideHeight + ky * dilationHeight - padTop;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kx = 0; kx < kernelWidth; kx++) {
              const ix = ox * strideWidth + kx * dilationWidth - padLeft;
              if (ix < 0 || ix >= inWidth) continue;
              const src = x + ((<usize>((b * inHeight + iy) * inWidth + ix) * channelBytes) + (<usize>c << 2));
              const w = weights + (<usize>(ky * kernelWidth + kx) * channelBytes) + (<usize>c << 2);
              acc = i32x4.add(acc, i32x4.mul(i32x4.sub(v128.load(src), zero), v128.load(w)));
            }
          }
          v128.store(o + (<usize>c << 2), finish(acc, noZeroPoints, c));
        }
        for (; c < C; c++) {
          let acc: i32 = 0;
          for (let ky = 0; ky < kernelHeight; ky++) {
            const iy = oy * strideHeight + ky * dilationHeight - padTop;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kx = 0; kx < kernelWidth; kx++) {
              const ix = ox * strideWidth + kx * dilationWidth - padLeft;
              if (ix < 0 || ix >= inWidth) continue;
              const src = x + ((<usize>((b * inHeight + iy) * inWidth + ix) * channelBytes) + (<usize>c << 2));
              const w = weights + (<usize>(ky * kernelWidth + kx) * channelBytes) + (<usize>c << 2);
              acc += (load<i32>(src) - xZeroPoint) * load<i32>(w);
            }
          }
          store<f32>(o + (<usize>c << 2), f32x4.extract_lane(finish(i32x4.splat(acc), noZeroPoints, c), 0));
        }
      }
    }
  }
}
