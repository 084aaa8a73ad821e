/**
 * NHWC convolution geometry with TensorFlow's 'same'/'valid' padding: for 'same', the total padding is
 * max((ceil(in/stride) − 1)·stride + effectiveKernel − in, 0), with the smaller half on top/left.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
}

function axisGeometry(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
  pad: 'same' | 'valid',
) {
  const effective = (kernel - 1) * dilation + 1;
  if (pad === 'valid')
    return { out: Math.max(0, Math.ceil((size - effective + 1) / stride)), before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return { out, before: Math.floor(total / 2) };
}

export function convGeometry(
  xShape: readonly number[],
  kernelHeight: number,
  kernelWidth: number,
  strides: readonly [number, number],
  dilations: readonly [number, number],
  pad: 'same' | 'valid',
): ConvGeometry {
  const [batch, inHeight, inWidth, inChannels] = xShape as [number, number, number, number];
  const h = axisGeometry(inHeight, kernelHeight, strides[0], dilations[0], pad);
  const w = axisGeometry(inWidth, kernelWidth, strides[1], dilations[1], pad);
  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    kernelHeight,
    kernelWidth,
    strideHeight: strides[0],
    strideWidth: strides[1],
    dilationHeight: dilations[0],
    dilationWidth: dilations[1],
    outHeight: h.out,
    outWidth: w.out,
    padTop: h.before,
    padLeft: w.before,
  };
}
