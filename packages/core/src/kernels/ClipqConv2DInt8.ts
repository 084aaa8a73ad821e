/**
 * Reference ClipqConv2DInt8 in tfjs ops. The zero points are subtracted first (int32), so padding with
 * 0 is padding with the real value 0. The float convolution is then exact because it runs in chunks of
 * input channels small enough that every partial sum stays below 2^24: |(x − zx)(w − zw)| ≤ 255² < 2^16,
 * so up to 256 terms (kernelHeight·kernelWidth·channels) per chunk. Chunk sums are added as int32.
 */
import {
  add,
  cast,
  conv2d,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  reshape,
  scalar,
  slice,
  sub,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import {
  ClipqConv2DInt8,
  type ClipqConv2DInt8Attrs,
  type ClipqConv2DInt8Inputs,
} from '../kernel_names.js';
import { int8Epilogue } from './int8_epilogue.js';
import { asTensor, weightInput } from './reference_math.js';

/** Terms per exact float32 partial sum of products of zero-point-shifted int8 codes. */
export const EXACT_TERMS = 256;

/** x − zx and w − zw[n] as float32 (exact small integers); zw broadcasts over the last filter axis. */
export function shiftedOperands(
  args: { inputs: ClipqConv2DInt8Inputs },
  attrs: ClipqConv2DInt8Attrs,
) {
  const x = cast(sub(asTensor(args.inputs.x), scalar(attrs.xZeroPoint, 'int32')), 'float32');
  const zw = reshape(asTensor(args.inputs.wZeroPoint), [1, 1, 1, -1]);
  const codes = weightInput(ClipqConv2DInt8, args.inputs.filter, attrs.pinnedWeights);
  const filter = cast(sub(codes, zw), 'float32');
  return { x, filter };
}

export function clipqConv2DInt8Reference(args: {
  inputs: ClipqConv2DInt8Inputs;
  attrs: NamedAttrMap;
}) {
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  return tidy(() => {
    const { x, filter } = shiftedOperands(args, attrs);
    const [kh, kw, cin] = filter.shape as [number, number, number, number];
    const chunk = Math.max(1, Math.floor(EXACT_TERMS / (kh * kw)));
    let acc: Tensor | null = null;
    for (let c0 = 0; c0 < cin; c0 += chunk) {
      const size = Math.min(chunk, cin - c0);
      const part = conv2d(
        slice(x, [0, 0, 0, c0], [-1, -1, -1, size]) as never,
        slice(filter, [0, 0, c0, 0], [-1, -1, size, -1]) as never,
        attrs.strides,
        attrs.pad,
        'NHWC',
        attrs.dilations,
      );
      const exact = cast(part, 'int32');
      acc = acc ? add(acc, exact) : exact;
    }
    const bias = attrs.hasBias && args.inputs.bias ? asTensor(args.inputs.bias) : null;
    return int8Epilogue(
      acc!,
      attrs.xScale,
      asTensor(args.inputs.wScale),
      bias,
      attrs.activation,
      attrs.requantize ?? null,
    );
  });
}

export const clipqConv2DInt8ReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqConv2DInt8,
  kernelFunc: clipqConv2DInt8Reference as unknown as KernelFunc,
};
