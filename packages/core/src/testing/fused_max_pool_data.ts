/**
 * The data of the fused max pool conformance cases (fused_max_pool_cases.ts): the case table and the
 * max pool of int32 codes they are checked against.
 */
import { backend_util } from '@tensorflow/tfjs-core';
import type { FusedActivation } from '../kernel_names.js';

export interface FusedMaxPoolCase {
  name: string;
  /** x [batch, height, width, inChannels]; the conv is 3×3, stride 1, 'same'. */
  shape: [number, number, number, number];
  outChannels: number;
  /** [size, stride, pad] of a square pool. */
  pool: [number, number, 'same' | 'valid'];
  activation: FusedActivation;
  /** Per-channel weight zero points (n mod 3) − 1; otherwise 0. */
  zeroPoints: boolean;
  /** Output channel 5 gets a negative weight scale (the pooled max must still be of the codes). */
  negativeScale?: boolean;
}

const TWO_BY_TWO: FusedMaxPoolCase['pool'] = [2, 2, 'valid'];

/** Odd sizes, batches > 1, 1 to 16 input channels, narrow and wide outputs, every activation. */
export const FUSED_MAX_POOL_CASES: readonly FusedMaxPoolCase[] = [
  {
    name: 'odd sizes 9×11, 1 input channel, batch 3, zero points',
    shape: [3, 9, 11, 1],
    outChannels: 16,
    pool: TWO_BY_TWO,
    activation: 'relu',
    zeroPoints: true,
  },
  {
    name: '7×6, 16 input channels, 20 outputs, batch 2, relu6',
    shape: [2, 7, 6, 16],
    outChannels: 20,
    pool: TWO_BY_TWO,
    activation: 'relu6',
    zeroPoints: false,
  },
  {
    name: '7×6, 16 input channels, batch 2, weight zero points',
    shape: [2, 7, 6, 16],
    outChannels: 20,
    pool: TWO_BY_TWO,
    activation: 'relu',
    zeroPoints: true,
  },
  {
    name: '8×9, 8 input channels, 32 outputs, linear',
    shape: [1, 8, 9, 8],
    outChannels: 32,
    pool: TWO_BY_TWO,
    activation: 'linear',
    zeroPoints: false,
  },
  {
    name: 'demo-like 14×14×8, 24 outputs, batch 2, relu6',
    shape: [2, 14, 14, 8],
    outChannels: 24,
    pool: TWO_BY_TWO,
    activation: 'relu6',
    zeroPoints: true,
  },
  {
    name: '16×18×4, 64 outputs, batch 4 (even pooled rows)',
    shape: [4, 16, 18, 4],
    outChannels: 64,
    pool: TWO_BY_TWO,
    activation: 'linear',
    zeroPoints: true,
  },
  {
    name: '14×14×2, 128 outputs, batch 3 (odd pooled rows, 7×7)',
    shape: [3, 14, 14, 2],
    outChannels: 128,
    pool: TWO_BY_TWO,
    activation: 'relu',
    zeroPoints: true,
  },
  {
    name: 'a negative weight scale, batch 2',
    shape: [2, 9, 11, 1],
    outChannels: 16,
    pool: TWO_BY_TWO,
    activation: 'linear',
    zeroPoints: false,
    negativeScale: true,
  },
  {
    name: '3×3 stride-2 same pool (any kernel may run it after the conv)',
    shape: [2, 9, 11, 1],
    outChannels: 16,
    pool: [3, 2, 'same'],
    activation: 'relu',
    zeroPoints: true,
  },
];

/** Max pool of NHWC int32 codes, taps outside the image skipped (as TF). */
export function maxPoolCodesReference(
  codes: Int32Array,
  shape: readonly number[],
  [size, stride, pad]: FusedMaxPoolCase['pool'],
): { values: Int32Array; shape: number[] } {
  const info = backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    size,
    stride,
    1,
    pad,
  );
  const [, H, W, C] = shape as [number, number, number, number];
  const values = new Int32Array(info.batchSize * info.outHeight * info.outWidth * C);
  let o = 0;
  for (let b = 0; b < info.batchSize; b++)
    for (let oy = 0; oy < info.outHeight; oy++)
      for (let ox = 0; ox < info.outWidth; ox++)
        for (let c = 0; c < C; c++) {
          let m = Number.NEGATIVE_INFINITY;
          for (let ky = 0; ky < size; ky++)
            for (let kx = 0; kx < size; kx++) {
              const iy = oy * stride - info.padInfo.top + ky;
              const ix = ox * stride - info.padInfo.left + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                m = Math.max(m, codes[((b * H + iy) * W + ix) * C + c]!);
            }
          values[o++] = m;
        }
  return { values, shape: info.outShape };
}
