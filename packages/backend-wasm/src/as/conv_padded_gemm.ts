// The int8 convolution as the GEMM's 4×8 register tile reading image patches in place: each image is
// padded once into i16 codes minus the zero point (conv_padded.ts), and 4 neighbouring output pixels of
// an output row take their k-pairs straight from it. Within filter row ky a pixel's taps are
// kernelWidth·C contiguous codes (undilated width), and k = (ky·kernelWidth + kx)·C + c runs along
// them, so when kernelWidth·C is even the k-pairs of the packed filter match i16 pairs of the padded row:
// the 4 splats of a step are 4 loads `strideWidth·C` codes apart. No im2col: on the demo CNN's second
// layer (14×14×16 → 32) building patch rows cost about as much as a third of the multiplication.
// The weight zero points must all be 0 (symmetric weights; the host checks): there are no row sums.
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
  strideHeight,
  strideWidth,
} from './conv_geometry';
import { padImage } from './conv_padded';
import { epScratch, storeRow } from './epilogue';
import { widenPanel } from './mat_mul_int8';
import { fullPanels, halfLastPanel, PANEL } from './pack';

/**
 * out = epilogue(conv(x, w)) from the filter's GEMM panels (`Kp` k-pairs each). `padded`: one padded
 * image, `rowCodes` i16 codes per row, sized by the host for 3 phantom pixels past outWidth (pixels go
 * by 4) plus slack. The widened panel goes to epScratch + 64, as in gemm.
 */
export function convPaddedGemm(
  x: usize, geometry: usize, padLeftArg: i32, xZeroPoint: i32, Kp: i32, bPacked: usize, N: i32,
  out: usize, padded: usize, rowCodes: i32,
): void {
  loadConvGeometry(geometry, padLeftArg, xZeroPoint);
  const rowBytes = <usize>rowCodes << 1;
  const step = <usize>(strideWidth * C) << 1;
  const tapRowBytes = <usize>(kernelWidth * C) << 1; // 4 bytes per k-pair
  const kyStride = <usize>dilationHeight * rowBytes;
  const imageCodes = <usize>(inHeight * inWidth * C);
  const full = fullPanels(N);
  const panels = full + (halfLastPanel(N) ? 1 : 0);
  const panelBytes = <usize>Kp << 4;
  const outStride = <usize>N << 2;
  const imageOut = <usize>(outHeight * outWidth) * outStride;
  const wide = epScratch + 64;
  for (let b = 0; b < batch; b++) {
    padImage(x + ((<usize>b * imageCodes) << 2), padded, rowCodes);
    const outImage = out + <usize>b * imageOut;
    for (let p = 0; p < panels; p++) {
      widenPanel(bPacked + <usize>p * panelBytes, p < full, panelBytes, wide);
      for (let oy = 0; oy < outHeight; oy++) {
        const row = padded + <usize>(oy * strideHeight) * rowBytes;
        const outRow = outImage + <usize>(oy * outWidth) * outStride;
        for (let ox = 0; ox < outWidth; ox += 4) {
          let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
          let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
          let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
          let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
          let w = wide;
          const src = row + <usize>ox * step;
          for (let ky = 0; ky < kernelHeight; ky++) {
            let a = src + <usize>ky * kyStride;
            const aEnd = a + tapRowBytes;
            while (a < aEnd) {
              const b0 = v128.load(w);
              const b1 = v128.load(w, 16);
              let v = v128.load32_splat(a);
              c00 = i32x4.add(c00, i32x4.dot_i16x8_s(v, b0));
              c01 = i32x4.add(c01, i32x4.dot_i16x8_s(v, b1));
              v = v128.load32_splat(a + step);
              c10 = i32x4.add(c10, i32x4.dot_i16x8_s(v, b0));
              c11 = i32x4.add(c11, i32x4.dot_i16x8_s(v, b1));
              v = v128.load32_splat(a + step * 2);
              c20 = i32x4.add(c20, i32x4.dot_i16x8_s(v, b0));
              c21 = i32x4.add(c21, i32x4.dot_i16x8_s(v, b1));
              v = v128.load32_splat(a + step * 3);
              c30 = i32x4.add(c30, i32x4.dot_i16x8_s(v, b0));
              c31 = i32x4.add(c31, i32x4.dot_i16x8_s(v, b1));
              a += 4;
              w += 32;
            }
          }
          const n = p * PANEL;
          const o = outRow + <usize>ox * outStride;
          storeRow(o, N, n, c00, c01, 0);
          if (ox + 1 < outWidth) storeRow(o + outStride, N, n, c10, c11, 0);
          if (ox + 2 < outWidth) storeRow(o + outStride * 2, N, n, c20, c21, 0);
          if (ox + 3 < outWidth) storeRow(o + outStride * 3, N, n, c30, c31, 0);
        }
      }
    }
  }
}
