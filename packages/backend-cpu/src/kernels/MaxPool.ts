/**
 * int32 input for tfjs-cpu's MaxPool. The int8 runtime max-pools activation codes (dequantization is
 * monotonic, so pooling codes equals pooling values); tfjs-cpu accepts int32 but runs its generic
 * `pool`, which computes every tap's index with divisions and reads through a TensorBuffer. This wraps
 * the original kernel: int32 inputs take a direct loop over contiguous channel runs (taps outside the
 * image skipped, as TF does); everything else goes to tfjs-cpu's own kernel unchanged.
 */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  backend_util,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolAttrs,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { int32Of } from '../backend_data.js';

type Args = { inputs: { x: TensorInfo }; backend: unknown; attrs: NamedAttrMap };

/** Max pooling of NHWC int32 values; tfjs's MaxPool has no dilation (`info` is built with 1). */
export function maxPoolInt32(x: Int32Array, info: backend_util.Conv2DInfo): Int32Array {
  const C = info.inChannels;
  const out = new Int32Array(info.batchSize * info.outHeight * info.outWidth * C);
  const { top, left } = info.padInfo;
  // Start offsets of the window's in-image taps for one output pixel, reused for every channel.
  const taps = new Int32Array(info.filterHeight * info.filterWidth);
  let o = 0;
  for (let b = 0; b < info.batchSize; b++) {
    for (let oy = 0; oy < info.outHeight; oy++) {
      const y0 = oy * info.strideHeight - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(info.inHeight, y0 + info.filterHeight);
      for (let ox = 0; ox < info.outWidth; ox++, o += C) {
        const x0 = ox * info.strideWidth - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(info.inWidth, x0 + info.filterWidth);
        let count = 0;
        for (let iy = yStart; iy < yEnd; iy++)
          for (let ix = xStart; ix < xEnd; ix++)
            taps[count++] = ((b * info.inHeight + iy) * info.inWidth + ix) * C;
        for (let c = 0; c < C; c++) {
          let max = -2147483648;
          for (let t = 0; t < count; t++) {
            const v = x[taps[t]! + c]!;
            if (v > max) max = v;
          }
          out[o + c] = max;
        }
      }
    }
  }
  return out;
}

/** tfjs-cpu's MaxPool with a fast int32 path, or null while tfjs-cpu has not registered it. */
export function int32MaxPoolConfig(): KernelConfig | null {
  const original = getKernel('MaxPool', 'cpu');
  if (!original) return null;
  if ((original.kernelFunc as { supportsInt32?: boolean }).supportsInt32) return original;
  const kernelFunc = ((args: Args) => {
    const { x } = args.inputs;
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as MaxPoolAttrs;
    if (x.dtype !== 'int32' || x.shape.length !== 4) return original.kernelFunc(args as never);
    const backend = args.backend as MathBackendCPU;
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const out = maxPoolInt32(int32Of(backend, x), info);
    return backend.makeTensorInfo(info.outShape, 'int32', out);
  }) as KernelFunc & { supportsInt32?: boolean };
  kernelFunc.supportsInt32 = true;
  return { ...original, kernelFunc };
}
