/**
 * depthwiseConv2dInt8: an NHWC depthwise convolution (filter [kh,kw,Cin,multiplier]) of per-tensor int8
 * activations, exact integer accumulation, fused bias/activation, float32 output (or, with
 * `outputRange`, the next layer's codes requantized in the kernel). Weights are quantized
 * per input channel (axis 2, shared by that channel's multiplier outputs) or per tensor. The filter may
 * also be given in its channel view [kh,kw,Cin·multiplier] (output channel c·multiplier + m last) with
 * one range per output channel (axis 2), as the QAT layers quantize it.
 */
import { engine, type Tensor, tidy, util } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqDepthwiseConv2DInt8 } from '../kernel_names.js';
import { type ConvInt8Options, convInt8Inputs } from './conv_int8_args.js';
import { type OutputRange, requantizedOutput } from './output_range.js';

export function depthwiseConv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options: ConvInt8Options & { outputRange: OutputRange },
): QuantizedTensor;
export function depthwiseConv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options?: ConvInt8Options,
): Tensor;
export function depthwiseConv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options: ConvInt8Options = {},
): Tensor | QuantizedTensor {
  const op = 'depthwiseConv2dInt8';
  util.assert(
    filter.axis === null || filter.axis === 2,
    () => `${op}: filter must be per tensor or per input channel (axis 2), got axis ${filter.axis}`,
  );
  const channelView = filter.shape.length === 3;
  const inChannels = x.shape[3]!;
  util.assert(
    !channelView || filter.shape[2]! % inChannels === 0,
    () =>
      `${op}: a channel-view filter's last axis (${filter.shape[2]}) must be a multiple of x channels (${inChannels})`,
  );
  const out = tidy(() => {
    const multiplier = channelView ? filter.shape[2]! / inChannels : filter.shape[3]!;
    const [kh, kw] = filter.shape as [number, number];
    const filterShape = channelView ? [kh, kw, inChannels, multiplier] : filter.shape;
    const expand = channelView ? (n: number) => n : (n: number) => Math.floor(n / multiplier);
    const outChannels = inChannels * multiplier;
    const { inputs, attrs } = convInt8Inputs(
      op,
      x,
      filter,
      outChannels,
      expand,
      options,
      ClipqDepthwiseConv2DInt8,
      filterShape,
    );
    return engine().runKernel(
      ClipqDepthwiseConv2DInt8,
      inputs,
      attrs as unknown as Record<string, never>,
    ) as Tensor;
  });
  return options.outputRange
    ? requantizedOutput(op, ClipqDepthwiseConv2DInt8, out, options.outputRange)
    : out;
}
