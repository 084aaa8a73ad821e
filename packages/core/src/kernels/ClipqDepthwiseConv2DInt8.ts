/**
 * Reference ClipqDepthwiseConv2DInt8 in tfjs ops: zero points subtracted first (so padding is the real
 * value 0), then one float32 depthwise convolution, exact while kernelHeight·kernelWidth ≤ 256 (every
 * partial sum < 2^24; see ClipqConv2DInt8.ts).
 */
import {
  cast,
  depthwiseConv2d,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  reshape,
  scalar,
  sub,
  tidy,
  util,
} from '@tensorflow/tfjs-core';
import {
  ClipqDepthwiseConv2DInt8,
  type ClipqDepthwiseConv2DInt8Attrs,
  type ClipqDepthwiseConv2DInt8Inputs,
} from '../kernel_names.js';
import { EXACT_TERMS } from './ClipqConv2DInt8.js';
import { int8Epilogue } from './int8_epilogue.js';
import { asTensor, weightInput } from './reference_math.js';
import { weightShape } from './weight_input.js';

export function clipqDepthwiseConv2DInt8Reference(args: {
  inputs: ClipqDepthwiseConv2DInt8Inputs;
  attrs: NamedAttrMap;
}) {
  const attrs = args.attrs as unknown as ClipqDepthwiseConv2DInt8Attrs;
  const [kh, kw, cin, multiplier] = weightShape(
    ClipqDepthwiseConv2DInt8,
    args.inputs.filter,
    attrs.pinnedWeights,
  ) as [number, number, number, number];
  util.assert(
    kh * kw <= EXACT_TERMS,
    () =>
      `ClipqDepthwiseConv2DInt8 (reference): kernels above ${EXACT_TERMS} taps are not exact, got ${kh}x${kw}`,
  );
  return tidy(() => {
    const x = cast(sub(asTensor(args.inputs.x), scalar(attrs.xZeroPoint, 'int32')), 'float32');
    // Output channel n = c·multiplier + m is the flattened last two filter axes.
    const flat = reshape(
      weightInput(ClipqDepthwiseConv2DInt8, args.inputs.filter, attrs.pinnedWeights),
      [kh, kw, cin * multiplier],
    );
    const zw = reshape(asTensor(args.inputs.wZeroPoint), [1, 1, -1]);
    const filter = reshape(cast(sub(flat, zw), 'float32'), [kh, kw, cin, multiplier]);
    const part = depthwiseConv2d(
      x as never,
      filter as never,
      attrs.strides,
      attrs.pad,
      'NHWC',
      attrs.dilations,
    );
    const bias = attrs.hasBias && args.inputs.bias ? asTensor(args.inputs.bias) : null;
    return int8Epilogue(
      cast(part, 'int32'),
      attrs.xScale,
      asTensor(args.inputs.wScale),
      bias,
      attrs.activation,
      attrs.requantize ?? null,
    );
  });
}

export const clipqDepthwiseConv2DInt8ReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqDepthwiseConv2DInt8,
  kernelFunc: clipqDepthwiseConv2DInt8Reference as unknown as KernelFunc,
};
