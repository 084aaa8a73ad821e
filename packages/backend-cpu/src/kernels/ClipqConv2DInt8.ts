/**
 * Exact int8 2-D convolution on the cpu backend: the image patches (an implicit im2col, padded taps hold
 * the input zero point) feed this package's packed int8 GEMM, with the filter codes packed once as a
 * [kh·kw·Cin, Cout] matrix (its row-major layout already is one) and cached like any matmul weight.
 * A 1×1, stride-1, unpadded convolution uses the input codes as they are. Small patches (a first layer
 * on a 1-channel image, kh·kw·Cin ≤ 16) take a direct loop instead (conv_direct_int8.ts).
 */
import {
  ClipqConv2DInt8,
  type ClipqConv2DInt8Attrs,
  type ConvGeometry,
  convGeometry,
  type PinnedWeightsAttr,
  requiredWeightInput,
  weightShape,
} from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of, int32Of } from '../backend_data.js';
import { convDirectInt8, DIRECT_MAX_DEPTH } from '../int8/conv_direct_int8.js';
import { checkInt8Codes, convPatchRows, type PatchRows } from '../int8/conv_patch_rows.js';
import { matMulInt8Output } from '../int8/mat_mul_int8_packed.js';
import { unpackWeights } from '../int8/packed_weights.js';
import { type ConvInt8KernelInputs, packedMatrix } from '../int8/weight_source.js';

/** The image patches as the GEMM's A, read straight from the checked input codes (no im2col copy). */
function patches(codes: Int32Array, g: ConvGeometry, zeroPoint: number): PatchRows {
  checkInt8Codes(codes, 'x', 'conv2dInt8');
  return convPatchRows(codes, g, zeroPoint);
}

/**
 * The direct path's filter [kh,kw,Cin,Cout]: the checked int32 codes of the filter input, or the pinned
 * panels unpacked (at most 16·Cout codes; the pinned panels stay the only resident copy).
 */
function directFilter(
  backend: MathBackendCPU,
  filter: TensorInfo | undefined,
  pinned: PinnedWeightsAttr | null | undefined,
  K: number,
  cout: number,
): Int32Array | Int8Array {
  if (pinned)
    return unpackWeights(packedMatrix(backend, ClipqConv2DInt8, filter, pinned, K, cout, false));
  const codes = int32Of(backend, requiredWeightInput(ClipqConv2DInt8, filter));
  checkInt8Codes(codes, 'filter', 'conv2dInt8');
  return codes;
}

export function clipqConv2DInt8(args: {
  inputs: ConvInt8KernelInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const pinned = attrs.pinnedWeights;
  const [kh, kw, cin, cout] = weightShape(ClipqConv2DInt8, filter, pinned) as [
    number,
    number,
    number,
    number,
  ];
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  const K = kh * kw * cin;
  const M = g.batch * g.outHeight * g.outWidth;
  const pointwise =
    kh === 1 &&
    kw === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0;
  const codes = int32Of(backend, x);
  const bScale = float32Of(backend, wScale);
  const bZeroPoint = int32Of(backend, wZeroPoint);
  const biasValues = attrs.hasBias && bias != null ? float32Of(backend, bias) : null;
  const outShape = [g.batch, g.outHeight, g.outWidth, cout];
  if (K <= DIRECT_MAX_DEPTH && !pointwise) {
    checkInt8Codes(codes, 'x', 'conv2dInt8');
    const out = convDirectInt8(
      {
        x: codes,
        g,
        filter: directFilter(backend, filter, pinned, K, cout),
        outChannels: cout,
        xScale: attrs.xScale,
        xZeroPoint: attrs.xZeroPoint,
        wScale: bScale,
        wZeroPoint: bZeroPoint,
      },
      biasValues,
      attrs.activation,
      attrs.requantize,
    );
    return backend.makeTensorInfo(outShape, out.dtype, out.values);
  }
  const weights = packedMatrix(backend, ClipqConv2DInt8, filter, pinned, K, cout, false);
  const out = matMulInt8Output(
    {
      a: pointwise ? codes : patches(codes, g, attrs.xZeroPoint),
      M,
      weights,
      aScale: attrs.xScale,
      aZeroPoint: attrs.xZeroPoint,
      bScale,
      bZeroPoint,
    },
    biasValues,
    attrs.activation,
    attrs.requantize,
  );
  return backend.makeTensorInfo(outShape, out.dtype, out.values);
}

export const clipqConv2DInt8Config: KernelConfig = {
  kernelName: ClipqConv2DInt8,
  backendName: 'cpu',
  kernelFunc: clipqConv2DInt8 as unknown as KernelFunc,
};
