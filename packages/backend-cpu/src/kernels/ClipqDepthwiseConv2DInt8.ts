/**
 * Exact int8 depthwise convolution on the cpu backend: a direct loop over the host-memory codes (each
 * weight is used once per output pixel, so a GEMM cannot pay off), with the float32 epilogue and the
 * optional requantization to the next layer's codes fused per output row.
 */
import {
  type ClipqConv2DInt8Attrs,
  ClipqDepthwiseConv2DInt8,
  convGeometry,
  requiredWeightInput,
  weightShape,
} from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of, int32Of } from '../backend_data.js';
import { depthwiseInt8 } from '../int8/depthwise_int8.js';
import { type ConvInt8KernelInputs, pinnedFilterCodes } from '../int8/weight_source.js';

export function clipqDepthwiseConv2DInt8(args: {
  inputs: ConvInt8KernelInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const pinned = attrs.pinnedWeights;
  const filterShape = weightShape(ClipqDepthwiseConv2DInt8, filter, pinned);
  const [kh, kw, cin, multiplier] = filterShape as [number, number, number, number];
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  if (cin !== g.inChannels) {
    throw new Error(
      `${ClipqDepthwiseConv2DInt8}: filter [${filterShape}] has ${cin} input channels, x [${x.shape}] has ${g.inChannels}`,
    );
  }
  const out = depthwiseInt8(
    {
      x: int32Of(backend, x),
      g,
      filter: pinned
        ? pinnedFilterCodes(pinned, ClipqDepthwiseConv2DInt8)
        : int32Of(backend, requiredWeightInput(ClipqDepthwiseConv2DInt8, filter)),
      multiplier,
      xScale: attrs.xScale,
      xZeroPoint: attrs.xZeroPoint,
      wScale: float32Of(backend, wScale),
      wZeroPoint: int32Of(backend, wZeroPoint),
    },
    attrs.hasBias && bias != null ? float32Of(backend, bias) : null,
    attrs.activation,
    attrs.requantize,
  );
  return backend.makeTensorInfo(
    [g.batch, g.outHeight, g.outWidth, cin * multiplier],
    out.dtype,
    out.values,
  );
}

export const clipqDepthwiseConv2DInt8Config: KernelConfig = {
  kernelName: ClipqDepthwiseConv2DInt8,
  backendName: 'cpu',
  kernelFunc: clipqDepthwiseConv2DInt8 as unknown as KernelFunc,
};
