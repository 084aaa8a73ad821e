/**
 * Int8 convolutions built on the active backend's ClipqMatMulInt8, for backends whose data lives in
 * host memory (cpu, wasm). A convolution is a GEMM over image patches (im2col): A = [B·Ho·Wo, kh·kw·Cin]
 * patches of the input codes, padded with the input zero point (the real value 0), and B = the filter
 * viewed as [kh·kw·Cin, Cout] (same data, so each backend's packed-weight cache applies). A 1×1,
 * stride-1 convolution needs no patches at all. Depthwise convolutions have too little reuse for a GEMM;
 * they run as a direct integer loop.
 */
import {
  engine,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorMap,
  reshape,
  type Tensor,
  type TensorInfo,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { type ConvGeometry, convGeometry } from '../impl/conv_geometry.js';
import { requantizeOutputImpl } from '../impl/mat_mul_int8_impl.js';
import { requantizeCodesImpl } from '../impl/requantize_impl.js';
import {
  type ClipqConv2DInt8Attrs,
  type ClipqConv2DInt8Inputs,
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
} from '../kernel_names.js';

type ConvArgs = { inputs: ClipqConv2DInt8Inputs; backend: KernelBackend; attrs: NamedAttrMap };

function geometryOf(x: TensorInfo, filter: TensorInfo, attrs: ClipqConv2DInt8Attrs): ConvGeometry {
  const [kh, kw] = filter.shape as [number, number];
  return convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
}

/**
 * [B·Ho·Wo, kh·kw·Cin] patches; out-of-image taps hold the zero point. Rows of a kernel tap that are in
 * the image are copied as one `set` of Cin codes (a memcpy); only out-of-image taps are filled.
 */
export function im2colInt8(x: Int32Array, g: ConvGeometry, zeroPoint: number): Int32Array {
  const C = g.inChannels;
  const K = g.kernelHeight * g.kernelWidth * C;
  const patches = new Int32Array(g.batch * g.outHeight * g.outWidth * K);
  let row = 0;
  for (let b = 0; b < g.batch; b++) {
    const image = b * g.inHeight;
    for (let oy = 0; oy < g.outHeight; oy++) {
      const y0 = oy * g.strideHeight - g.padTop;
      for (let ox = 0; ox < g.outWidth; ox++, row += K) {
        const x0 = ox * g.strideWidth - g.padLeft;
        let dst = row;
        for (let ky = 0; ky < g.kernelHeight; ky++) {
          const iy = y0 + ky * g.dilationHeight;
          const rowInside = iy >= 0 && iy < g.inHeight;
          const rowBase = (image + iy) * g.inWidth;
          for (let kx = 0; kx < g.kernelWidth; kx++, dst += C) {
            const ix = x0 + kx * g.dilationWidth;
            if (rowInside && ix >= 0 && ix < g.inWidth) {
              const src = (rowBase + ix) * C;
              if (C === 1) patches[dst] = x[src]!;
              else patches.set(x.subarray(src, src + C), dst);
            } else if (zeroPoint !== 0) {
              patches.fill(zeroPoint, dst, dst + C);
            }
          }
        }
      }
    }
  }
  return patches;
}

/** ClipqConv2DInt8 as im2col + the backend's ClipqMatMulInt8. */
export function conv2dInt8ViaMatMul(args: ConvArgs): Tensor {
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  const g = geometryOf(x, filter, attrs);
  const [kh, kw, cin, cout] = filter.shape as [number, number, number, number];
  const K = kh * kw * cin;
  const M = g.batch * g.outHeight * g.outWidth;
  const pointwise =
    kh === 1 &&
    kw === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0;
  return tidy(() => {
    const a: TensorInfo = pointwise
      ? { dataId: x.dataId, shape: [M, K], dtype: 'int32' }
      : tensor(
          im2colInt8(
            Int32Array.from(args.backend.readSync(x.dataId) as Int32Array),
            g,
            attrs.xZeroPoint,
          ),
          [M, K],
          'int32',
        );
    const b: TensorInfo = { dataId: filter.dataId, shape: [K, cout], dtype: 'int32' };
    const matMulAttrs: ClipqMatMulInt8Attrs = {
      aScale: attrs.xScale,
      aZeroPoint: attrs.xZeroPoint,
      transposeB: false,
      activation: attrs.activation,
      hasBias: attrs.hasBias,
      requantize: attrs.requantize ?? null,
    };
    const inputs = {
      a,
      b,
      bScale: wScale,
      bZeroPoint: wZeroPoint,
      ...(attrs.hasBias && bias ? { bias } : {}),
    };
    const out = engine().runKernel(
      ClipqMatMulInt8,
      inputs as unknown as NamedTensorMap,
      matMulAttrs as unknown as NamedAttrMap,
    ) as Tensor;
    return reshape(out, [g.batch, g.outHeight, g.outWidth, cout]);
  });
}

/** ClipqDepthwiseConv2DInt8 as a direct integer loop over host-memory codes. */
export function depthwiseConv2dInt8Direct(args: ConvArgs): Tensor {
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  const g = geometryOf(x, filter, attrs);
  const multiplier = filter.shape[3]!;
  const C = g.inChannels;
  const N = C * multiplier;
  const xs = args.backend.readSync(x.dataId) as Int32Array;
  const ws = args.backend.readSync(filter.dataId) as Int32Array;
  const zw = args.backend.readSync(wZeroPoint.dataId) as Int32Array;
  // Filter with zero points folded in, laid out [kh·kw][N].
  const taps = g.kernelHeight * g.kernelWidth;
  const w = new Int32Array(taps * N);
  for (let t = 0; t < taps; t++)
    for (let n = 0; n < N; n++) w[t * N + n] = ws[t * N + n]! - zw[zw.length === 1 ? 0 : n]!;
  const zx = attrs.xZeroPoint;
  const acc = new Float64Array(g.batch * g.outHeight * g.outWidth * N);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += N) {
        for (let ky = 0; ky < g.kernelHeight; ky++) {
          const iy = oy * g.strideHeight + ky * g.dilationHeight - g.padTop;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (let kx = 0; kx < g.kernelWidth; kx++) {
            const ix = ox * g.strideWidth + kx * g.dilationWidth - g.padLeft;
            if (ix < 0 || ix >= g.inWidth) continue;
            const src = ((b * g.inHeight + iy) * g.inWidth + ix) * C;
            const wRow = (ky * g.kernelWidth + kx) * N;
            if (multiplier === 1) {
              for (let c = 0; c < C; c++) acc[o + c] += (xs[src + c]! - zx) * w[wRow + c]!;
            } else {
              for (let c = 0; c < C; c++) {
                const xv = xs[src + c]! - zx;
                for (let m = 0; m < multiplier; m++)
                  acc[o + c * multiplier + m] += xv * w[wRow + c * multiplier + m]!;
              }
            }
          }
        }
      }
    }
  }
  const scale = args.backend.readSync(wScale.dataId) as Float32Array;
  const biasValues =
    attrs.hasBias && bias ? (args.backend.readSync(bias.dataId) as Float32Array) : null;
  const out = requantizeOutputImpl(
    acc,
    acc.length / N,
    N,
    attrs.xScale,
    scale,
    biasValues,
    attrs.activation,
  );
  const shape = [g.batch, g.outHeight, g.outWidth, N];
  return attrs.requantize
    ? tensor(requantizeCodesImpl(out, attrs.requantize), shape, 'int32')
    : tensor(out, shape, 'float32');
}
