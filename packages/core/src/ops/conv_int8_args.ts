/** Argument checks and kernel attrs shared by `conv2dInt8` and `depthwiseConv2dInt8`. */
import { reshape, type Tensor, type TensorLike, tensor1d, util } from '@tensorflow/tfjs-core';
import type { PinnableKernel } from '../int8/packed_weight_cache.js';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import type { ConvInt8Attrs, FusedActivation } from '../kernel_names.js';
import { toTensor } from './convert.js';
import { type OutputRange, outputRangeAttrs } from './output_range.js';

export interface ConvInt8Options {
  /** A number or [strideHeight, strideWidth]. Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  pad?: 'same' | 'valid';
  /** A number or [dilationHeight, dilationWidth]. Default 1. */
  dilations?: number | [number, number];
  /** float32 [outChannels]. */
  bias?: Tensor | TensorLike;
  activation?: FusedActivation;
  /** Requantize the output to these per-tensor codes in the kernel; the op then returns a QuantizedTensor. */
  outputRange?: OutputRange;
}

const pair = (v: number | [number, number] | undefined): [number, number] =>
  v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v;

/**
 * Validates x (per-tensor NHWC codes, ≤ 8 bits) and filter, and builds the kernel inputs with the
 * per-output-channel weight parameters expanded to `outChannels` entries (or kept at one).
 */
export function convInt8Inputs(
  op: string,
  x: QuantizedTensor,
  filter: QuantizedTensor,
  outChannels: number,
  expandChannel: (n: number) => number,
  options: ConvInt8Options,
  kernelName: PinnableKernel,
  /** The filter's shape as the kernel takes it (default: the filter's own). */
  filterShape: number[] = filter.shape,
): { inputs: Record<string, Tensor>; attrs: ConvInt8Attrs } {
  x.assertNotDisposed(`${op} (x)`);
  filter.assertNotDisposed(`${op} (filter)`);
  util.assert(x.shape.length === 4, () => `${op}: x must be 4-D NHWC, got shape [${x.shape}]`);
  const codes = { shape: filterShape, rank: filterShape.length };
  util.assert(codes.rank === 4, () => `${op}: filter must be 4-D, got shape [${codes.shape}]`);
  util.assert(x.axis === null, () => `${op}: x must be quantized per tensor, got axis ${x.axis}`);
  util.assert(
    x.bits <= 8 && filter.bits <= 8,
    () => `${op}: int8 convolution needs bits ≤ 8, got x: ${x.bits}, filter: ${filter.bits}`,
  );
  util.assert(
    codes.shape[2] === x.shape[3],
    () => `${op}: filter input channels (${codes.shape[2]}) differ from x channels (${x.shape[3]})`,
  );
  const strides = pair(options.strides);
  const dilations = pair(options.dilations);
  const pad = options.pad ?? 'valid';
  util.assert(
    pad === 'same' || pad === 'valid',
    () => `${op}: pad must be 'same' or 'valid', got ${String(pad)}`,
  );
  for (const [name, v] of [
    ['strides', strides],
    ['dilations', dilations],
  ] as const) {
    util.assert(
      v.every((d) => Number.isInteger(d) && d >= 1),
      () => `${op}: ${name} must be positive integers, got [${v}]`,
    );
  }
  util.assert(
    (strides[0] === 1 && strides[1] === 1) || (dilations[0] === 1 && dilations[1] === 1),
    () => `${op}: strides [${strides}] and dilations [${dilations}] may not both exceed 1`,
  );
  for (const [axis, size, kernel, dilation] of [
    ['height', x.shape[1]!, codes.shape[0]!, dilations[0]],
    ['width', x.shape[2]!, codes.shape[1]!, dilations[1]],
  ] as const) {
    util.assert(
      pad === 'same' || (kernel - 1) * dilation + 1 <= size,
      () =>
        `${op}: with pad 'valid' the dilated kernel ${axis} (${(kernel - 1) * dilation + 1}) exceeds the input ${axis} (${size})`,
    );
  }
  const activation = options.activation ?? 'linear';
  util.assert(
    ['linear', 'relu', 'relu6'].includes(activation),
    () => `${op}: activation must be linear, relu or relu6, got ${activation}`,
  );
  const perChannel = filter.axis !== null;
  const channels = perChannel ? outChannels : 1;
  const wScale = new Float32Array(channels);
  const wZeroPoint = new Int32Array(channels);
  for (let n = 0; n < channels; n++) {
    const source = perChannel ? expandChannel(n) : 0;
    wScale[n] = filter.scale[source]!;
    wZeroPoint[n] = filter.zeroPoint[source]!;
  }
  const pinnedWeights = filter.pinnedFor(kernelName, filterShape);
  const inputs: Record<string, Tensor> = {
    x: x.codes,
    wScale: tensor1d(wScale, 'float32'),
    wZeroPoint: tensor1d(wZeroPoint, 'int32'),
  };
  if (options.bias != null) {
    const bias = toTensor(options.bias, 'bias', op, 'float32');
    util.assert(
      bias.dtype === 'float32' && bias.rank === 1 && bias.size === outChannels,
      () => `${op}: bias must be float32 [${outChannels}], got ${bias.dtype} [${bias.shape}]`,
    );
    inputs.bias = bias;
  }
  // Packed weights reach the kernel through the attribute; the int32 codes no longer exist.
  if (!pinnedWeights)
    inputs.filter = util.arraysEqual(filter.shape, filterShape)
      ? filter.codes
      : reshape(filter.codes, filterShape);
  const attrs: ConvInt8Attrs = {
    strides,
    pad,
    dilations,
    xScale: x.scale[0]!,
    xZeroPoint: x.zeroPoint[0]!,
    activation,
    hasBias: options.bias != null,
    requantize: options.outputRange ? outputRangeAttrs(op, options.outputRange) : null,
    pinnedWeights,
  };
  return { inputs, attrs };
}
