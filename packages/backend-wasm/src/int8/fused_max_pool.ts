/**
 * A max pool fused into ClipqConv2DInt8 (attribute `fusedMaxPool`, proposed to core; see README): the
 * int8 runtime's Conv2D → MaxPooling2D pair in one kernel call. For a 2×2, stride-2, 'valid' pool on
 * the direct or padded-image kernels the pool is taken on the accumulators, before the epilogue: the
 * epilogue (rescale, bias, activation, requantization) is non-decreasing in the accumulator when every
 * multiplier f32(xScale·wScale[n]) is ≥ 0, so epilogue(max acc) = max(epilogue(acc)), bit for bit,
 * with one epilogue per 4 outputs and no full-size intermediate tensor. Anything else runs the
 * convolution, then pools its codes (the same result, unfused).
 */

import type { ClipqConv2DInt8Attrs } from '@clipq/core';
import { backend_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from '../heap/heap.js';
import { maxPoolCodes } from '../kernels/MaxPool.js';

export interface FusedMaxPoolAttr {
  poolSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

type Args = { inputs: { wScale: TensorInfo }; backend: unknown; attrs: NamedAttrMap };

export function fusedMaxPoolOf(attrs: NamedAttrMap): FusedMaxPoolAttr | null {
  return ((attrs as { fusedMaxPool?: FusedMaxPoolAttr | null }).fusedMaxPool ??
    null) as FusedMaxPoolAttr | null;
}

/** Per wScale tensor (immutable): whether every scale is ≥ 0 (false for NaN). */
const nonNegative = new WeakMap<object, boolean>();

function multipliersNonNegative(args: Args, xScale: number): boolean {
  const { wScale } = args.inputs;
  let known = nonNegative.get(wScale.dataId);
  if (known === undefined) {
    const scales = (args.backend as WasmBackendLike).readSync(wScale.dataId);
    known = Array.prototype.every.call(scales, (s: number) => s >= 0) as boolean;
    nonNegative.set(wScale.dataId, known);
  }
  return known && xScale >= 0;
}

export function convolveAndPool(
  args: Args,
  pool: FusedMaxPoolAttr,
  convolve: (pooled: boolean) => TensorInfo | null,
): TensorInfo {
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  if (!attrs.requantize)
    throw new Error(
      "ClipqConv2DInt8 on backend 'wasm': fusedMaxPool needs requantize (it pools int32 codes)",
    );
  const [ph, pw] = pool.poolSize;
  const [sh, sw] = pool.strides;
  const twoByTwo = ph === 2 && pw === 2 && sh === 2 && sw === 2 && pool.pad === 'valid';
  if (twoByTwo && multipliersNonNegative(args, attrs.xScale)) {
    const out = convolve(true);
    if (out) return out;
  }
  const backend = args.backend as WasmBackendLike;
  const full = convolve(false)!;
  try {
    const poolArgs = {
      inputs: { x: full },
      backend,
      attrs: { filterSize: pool.poolSize, strides: pool.strides, pad: pool.pad } as NamedAttrMap,
    };
    return maxPoolCodes(poolArgs) ?? hostMaxPool(backend, full, pool);
  } finally {
    backend.disposeData(full.dataId, true);
  }
}

/** Max pool of int32 codes on the host (clipq.wasm not loaded yet); taps outside the image skipped. */
function hostMaxPool(backend: WasmBackendLike, x: TensorInfo, pool: FusedMaxPoolAttr): TensorInfo {
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    pool.poolSize,
    pool.strides,
    1,
    pool.pad,
  );
  const codes = backend.readSync(x.dataId);
  const { inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth } = info;
  const out = new Int32Array(info.batchSize * outHeight * outWidth * C);
  let o = 0;
  for (let b = 0; b < info.batchSize; b++)
    for (let oy = 0; oy < outHeight; oy++)
      for (let ox = 0; ox < outWidth; ox++)
        for (let c = 0; c < C; c++, o++) {
          let m = -(2 ** 31);
          for (let ky = 0; ky < info.filterHeight; ky++) {
            const iy = oy * info.strideHeight - info.padInfo.top + ky;
            for (let kx = 0; kx < info.filterWidth; kx++) {
              const ix = ox * info.strideWidth - info.padInfo.left + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                m = Math.max(m, codes[((b * H + iy) * W + ix) * C + c]!);
            }
          }
          out[o] = m;
        }
  return backend.makeOutput(info.outShape, 'int32', undefined, out);
}
