/**
 * depthwiseConv2dInt8: an NHWC depthwise convolution (filter [kh,kw,Cin,multiplier]) of per-tensor int8
 * activations, exact integer accumulation, fused bias/activation, float32 output. Weights are quantized
 * per input channel (axis 2, shared by that channel's multiplier outputs) or per tensor.
 */
import { engine, type Tensor, tidy, util } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqDepthwiseConv2DInt8 } from '../kernel_names.js';
import { type ConvInt8Options, convInt8Inputs } from './conv_int8_args.js';

export function depthwiseConv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options: ConvInt8Options = {},
): Tensor {
  const op = 'depthwiseConv2dInt8';
  util.assert(
    filter.axis === null || filter.axis === 2,
    () => `${op}: filter must be per tensor or per input channel (axis 2), got axis ${filter.axis}`,
  );
  return tidy(() => {
    const multiplier = filter.shape[3]!;
    const outChannels = filter.shape[2]! * multiplier;
    const { inputs, attrs } = convInt8Inputs(
      op,
      x,
      filter,
      outChannels,
      (n) => Math.floor(n / multiplier),
      options,
    );
    return engine().runKernel(
      ClipqDepthwiseConv2DInt8,
      inputs,
      attrs as unknown as Record<string, never>,
    ) as Tensor;
  });
}
