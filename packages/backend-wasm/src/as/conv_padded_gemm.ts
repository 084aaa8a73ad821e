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
 *
 * `pooled` = 1 fuses a 2×2, stride-2, 'valid' max pool of the (requantized) output: the tile's 4 pixels
 * are one pooling window, and out gets epilogue(max of the 4 accumulators) per channel, which equals
 * the max of the 4 epilogues because the epilogue is non-decreasing in the accumulator when every
 * multiplier is ≥ 0 (the host checks; symmetric weights: no zero-point correction). One epilogue per
 * 4 outputs, and no full-size intermediate.
 */
export function convPaddedGemm(
  x: usize, geometry: usize, padLeftArg: i32, xZeroPoint: i32, Kp: i32, bPacked: usize, N: i32,
  out: usize, padded: usize, rowCodes: i32, pooled: i32,
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
  // Tiles: 4 pixels of an output row, or (pooled) the 2×2 window of one pooled pixel.
  const tileRows = pooled ? outHeight >> 1 : outHeight;
  const tileColumns = pooled ? outWidth >> 1 : (outWidth + 3) >> 2;
  const tileRowStep = <usize>(pooled ? 2 * strideHeight : strideHeight) * rowBytes;
  const tileStep = pooled ? step << 1 : step << 2;
  const offset2 = pooled ? <usize>strideHeight * rowBytes : step * 2;
  const offset3 = pooled ? offset2 + step : step * 3;
  const imageOut = <usize>(pooled ? tileRows * tileColumns : outHeight * outWidth) * outStride;
  const wide = epScratch + 64;
  for (let b = 0; b < batch; b++) {
    padImage(x + ((<usize>b * imageCodes) << 2), padded, rowCodes);
    const outImage = out + <usize>b * imageOut;
    for (let p = 0; p < panels; p++) {
      widenPanel(bPacked + <usize>p * panelBytes, p < full, panelBytes, wide);
      const n = p * PANEL;
      for (let ty = 0; ty < tileRows; ty++) {
        const row = padded + <usize>ty * tileRowStep;
        for (let tx = 0; tx < tileColumns; tx++) {
          let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
          let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
          let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
          let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
          let w = wide;
          const src = row + <usize>tx * tileStep;
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
              v = v128.load32_splat(a + offset2);
              c20 = i32x4.add(c20, i32x4.dot_i16x8_s(v, b0));
              c21 = i32x4.add(c21, i32x4.dot_i16x8_s(v, b1));
              v = v128.load32_splat(a + offset3);
              c30 = i32x4.add(c30, i32x4.dot_i16x8_s(v, b0));
              c31 = i32x4.add(c31, i32x4.dot_i16x8_s(v, b1));
              a += 4;
              w += 32;
            }
          }
          if (pooled) {
            const m0 = i32x4.max_s(i32x4.max_s(c00, c10), i32x4.max_s(c20, c30));
            const m1 = i32x4.max_s(i32x4.max_s(c01, c11), i32x4.max_s(c21, c31));
            storeRow(outImage + <usize>(ty * tileColumns + tx) * outStride, N, n, m0, m1, 0);
            continue;
          }
          const ox = tx << 2;
          const o = outImage + <usize>(ty * outWidth + ox) * outStride;
          storeRow(o, N, n, c00, c01, 0);
          if (ox + 1 < outWidth) storeRow(o + outStride, N, n, c10, c11, 0);
          if (ox + 2 < outWidth) storeRow(o + outStride * 2, N, n, c20, c21, 0);
          if (ox + 3 < outWidth) storeRow(o + outStride * 3, N, n, c30, c31, 0);
        }
      }
    }
  }
}
