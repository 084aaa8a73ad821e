/**
 * `outputRange`: the int8 ops' fused requantization. With it, conv2dInt8, depthwiseConv2dInt8 and
 * matMulInt8 return the next layer's per-tensor codes (a QuantizedTensor) straight from the kernel,
 * exactly what `quantize(op(…), min, max, {bits})` gives, without the float32 tensor in between.
 */
import { getBackend, type Tensor, util } from '@tensorflow/tfjs-core';
import { quantizeParamsImpl } from '../impl/quantize_impl.js';
import { requantizeAttrs } from '../impl/requantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import type { RequantizeAttrs } from '../kernel_names.js';

export interface OutputRange {
  /** The learned range of the output (TF nudges it to include 0). */
  min: number;
  max: number;
  /** Default 8. */
  bits?: number;
}

export function outputRangeAttrs(op: string, range: OutputRange): RequantizeAttrs {
  const bits = range.bits ?? 8;
  util.assert(
    Number.isInteger(bits) && bits >= 2 && bits <= 8,
    () => `${op}: outputRange.bits must be an integer in 2..8, got ${bits}`,
  );
  util.assert(
    Number.isFinite(range.min) && Number.isFinite(range.max) && range.min <= range.max,
    () => `${op}: outputRange needs finite min ≤ max, got [${range.min}, ${range.max}]`,
  );
  return requantizeAttrs(range.min, range.max, bits);
}

/** Wraps a kernel's requantized int32 output as per-tensor codes of `range`. */
export function requantizedOutput(
  op: string,
  kernelName: string,
  codes: Tensor,
  range: OutputRange,
): QuantizedTensor {
  if (codes.dtype !== 'int32') {
    codes.dispose();
    throw new Error(
      `${op}: the ${kernelName} kernel of backend '${getBackend()}' returned ${codes.dtype}: it does not implement the requantize attribute (outputRange)`,
    );
  }
  const bits = range.bits ?? 8;
  const { scale, zeroPoint } = quantizeParamsImpl([range.min], [range.max], bits, false);
  return new QuantizedTensor(codes, { scale, zeroPoint, axis: null, bits, narrowRange: false });
}
