// A padded copy of one NHWC image as i16 codes minus the zero point (0 in the padding), for the direct
// convolution: every output pixel then reads its taps without bounds checks, and each code is
// subtracted and narrowed once instead of once per filter tap. Row r holds input row r − padTop, column
// c input column c − padLeft; rows cover every row an output pixel reads. The host sizes rows
// (`rowCodes` i16 codes) for one phantom pixel more than outWidth (convDirect computes pixels in pairs)
// plus slack for the pair read past a row's end, and checks beforehand that |x − zx| fits in int16.
import {
  C,
  inHeight,
  inWidth,
  kernelHeight,
  dilationHeight,
  outHeight,
  padLeft,
  padTop,
  strideHeight,
  zeroPoint,
} from './conv_geometry';

/** Pads image `x` (inHeight × inWidth × C int32 codes) into `out` (i16, `rowCodes` per row). */
export function padImage(x: usize, out: usize, rowCodes: i32): void {
  const rows = (outHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1;
  const zero = i32x4.splat(zeroPoint);
  const left = padLeft * C;
  const interior = max(0, min(inWidth * C, rowCodes - left));
  for (let r = 0; r < rows; r++) {
    const dst = out + (<usize>(r * rowCodes) << 1);
    const iy = r - padTop;
    if (iy < 0 || iy >= inHeight) {
      memory.fill(dst, 0, <usize>rowCodes << 1);
      continue;
    }
    memory.fill(dst, 0, <usize>left << 1);
    const src = x + (<usize>(iy * inWidth * C) << 2);
    const to = dst + (<usize>left << 1);
    let i = 0;
    for (; i + 8 <= interior; i += 8) {
      const low = i32x4.sub(v128.load(src + (<usize>i << 2)), zero);
      const high = i32x4.sub(v128.load(src + (<usize>i << 2), 16), zero);
      v128.store(to + (<usize>i << 1), i16x8.narrow_i32x4_s(low, high));
    }
    for (; i < interior; i++) store<i16>(to + (<usize>i << 1), <i16>(load<i32>(src + (<usize>i << 2)) - zeroPoint));
    const end = left + interior;
    memory.fill(dst + (<usize>end << 1), 0, <usize>(rowCodes - end) << 1);
  }
}
