// Max pooling of int32 codes (NHWC), for int8 activations between quantized layers: dequantization is
// monotonic, so pooling the codes equals pooling the values. Taps outside the image are skipped (TF).
// tfjs-wasm's MaxPool takes float32 only (XNNPACK), which made the runtime cast, pool and cast back.

/** `geometry`: 13 i32 as for the convolutions (kernel = pool window, C = channels). */
export function maxPoolCodes(x: usize, geometry: usize, padLeft: i32, out: usize): void {
  const batch = load<i32>(geometry);
  const inHeight = load<i32>(geometry, 4);
  const inWidth = load<i32>(geometry, 8);
  const C = load<i32>(geometry, 12);
  const poolHeight = load<i32>(geometry, 16);
  const poolWidth = load<i32>(geometry, 20);
  const strideHeight = load<i32>(geometry, 24);
  const strideWidth = load<i32>(geometry, 28);
  const outHeight = load<i32>(geometry, 40);
  const outWidth = load<i32>(geometry, 44);
  const padTop = load<i32>(geometry, 48);
  const pixelBytes = <usize>C << 2;
  let o = out;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const iy0 = oy * strideHeight - padTop;
      const kyLo = max(0, -iy0);
      const kyHi = min(poolHeight, inHeight - iy0);
      for (let ox = 0; ox < outWidth; ox++, o += pixelBytes) {
        const ix0 = ox * strideWidth - padLeft;
        const kxLo = max(0, -ix0);
        const kxHi = min(poolWidth, inWidth - ix0);
        const corner = x + (<usize>((b * inHeight + iy0) * inWidth + ix0) * pixelBytes);
        let c = 0;
        if (poolHeight == 2 && poolWidth == 2 && kyLo == 0 && kyHi == 2 && kxLo == 0 && kxHi == 2) {
          // A 2×2 window inside the image (the CNN's usual pool): 4 loads and 3 max per 4 channels.
          const below = corner + <usize>inWidth * pixelBytes;
          for (; c + 4 <= C; c += 4) {
            const offset = <usize>c << 2;
            const top = i32x4.max_s(v128.load(corner + offset), v128.load(corner + offset + pixelBytes));
            const bottom = i32x4.max_s(v128.load(below + offset), v128.load(below + offset + pixelBytes));
            v128.store(o + offset, i32x4.max_s(top, bottom));
          }
        }
        for (; c + 4 <= C; c += 4) {
          let m = i32x4.splat(i32.MIN_VALUE);
          for (let ky = kyLo; ky < kyHi; ky++) {
            const row = corner + <usize>(ky * inWidth) * pixelBytes + (<usize>c << 2);
            for (let kx = kxLo; kx < kxHi; kx++) m = i32x4.max_s(m, v128.load(row + <usize>kx * pixelBytes));
          }
          v128.store(o + (<usize>c << 2), m);
        }
        for (; c < C; c++) {
          let m = i32.MIN_VALUE;
          for (let ky = kyLo; ky < kyHi; ky++) {
            const row = corner + <usize>(ky * inWidth) * pixelBytes + (<usize>c << 2);
            for (let kx = kxLo; kx < kxHi; kx++) m = max(m, load<i32>(row + <usize>kx * pixelBytes));
          }
          store<i32>(o + (<usize>c << 2), m);
        }
      }
    }
  }
}
