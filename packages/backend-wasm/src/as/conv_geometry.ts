// The convolution geometry shared by the int8 convolution kernels (im2col, direct conv, depthwise): the
// host writes 13 i32 words (src/int8/conv_geometry_words.ts: batch, inHeight, inWidth, C, kernelHeight,
// kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, outHeight, outWidth, padTop),
// decoded once per call into module globals that the kernels' loops read.

export let batch = 0;
export let inHeight = 0;
export let inWidth = 0;
export let C = 0;
export let kernelHeight = 0;
export let kernelWidth = 0;
export let strideHeight = 0;
export let strideWidth = 0;
export let dilationHeight = 0;
export let dilationWidth = 0;
export let outHeight = 0;
export let outWidth = 0;
export let padTop = 0;
export let padLeft = 0;
/** The input codes' zero point (the code of padding). */
export let zeroPoint = 0;

export function loadConvGeometry(geometry: usize, padLeftArg: i32, zeroPointArg: i32): void {
  batch = load<i32>(geometry);
  inHeight = load<i32>(geometry, 4);
  inWidth = load<i32>(geometry, 8);
  C = load<i32>(geometry, 12);
  kernelHeight = load<i32>(geometry, 16);
  kernelWidth = load<i32>(geometry, 20);
  strideHeight = load<i32>(geometry, 24);
  strideWidth = load<i32>(geometry, 28);
  dilationHeight = load<i32>(geometry, 32);
  dilationWidth = load<i32>(geometry, 36);
  outHeight = load<i32>(geometry, 40);
  outWidth = load<i32>(geometry, 44);
  padTop = load<i32>(geometry, 48);
  padLeft = padLeftArg;
  zeroPoint = zeroPointArg;
}
