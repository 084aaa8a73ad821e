/**
 * conv2dInt8: an NHWC convolution of per-tensor int8 activations with int8 weights (per output channel
 * along axis 3, or per tensor), with exact integer accumulation and a fused bias/activation epilogue.
 * Returns float32, or with `outputRange` the next layer's codes, requantized inside the kernel (exactly
 * `quantize(conv2dInt8(…), min, max)`: exact float32 rescaling, see the README).
 */
import { engine, type Tensor, tidy, util } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqConv2DInt8 } from '../kernel_names.js';
import { type ConvInt8Options, convInt8Inputs } from './conv_int8_args.js';
import { type OutputRange, requantizedOutput } from './output_range.js';

export function conv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options: ConvInt8Options & { outputRange: OutputRange },
): QuantizedTensor;
export function conv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options?: ConvInt8Options,
): Tensor;
export function conv2dInt8(
  x: QuantizedTensor,
  filter: QuantizedTensor,
  options: ConvInt8Options = {},
): Tensor | QuantizedTensor {
  const op = 'conv2dInt8';
  util.assert(
    filter.axis === null || filter.axis === 3,
    () =>
      `${op}: filter must be per tensor or per output channel (axis 3), got axis ${filter.axis}`,
  );
  const out = tidy(() => {
    const outChannels = filter.shape[3]!;
    const { inputs, attrs } = convInt8Inputs(
      op,
      x,
      filter,
      outChannels,
      (n) => n,
      options,
      ClipqConv2DInt8,
    );
    return engine().runKernel(
      ClipqConv2DInt8,
      inputs,
      attrs as unknown as Record<string, never>,
    ) as Tensor;
  });
  return options.outputRange
    ? requantizedOutput(op, ClipqConv2DInt8, out, options.outputRange)
    : out;
}
