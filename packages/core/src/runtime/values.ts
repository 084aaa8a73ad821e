/**
 * What flows between layers in the int8 runtime: int8 codes (a per-tensor QuantizedTensor) between
 * quantized layers, or float32 where a layer has no int8 kernel. A float value remembers the range of
 * the codes it came from, so the next quantized layer can requantize it with that learned range.
 */
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { dequantize } from '../ops/dequantize.js';
import { quantize } from '../ops/quantize.js';

export interface RangeSpec {
  min: number;
  max: number;
  bits: number;
}

export type Value =
  | { kind: 'codes'; codes: QuantizedTensor; range: RangeSpec }
  | { kind: 'float'; tensor: Tensor; range: RangeSpec | null };

export function asFloat(value: Value): Tensor {
  return value.kind === 'float' ? value.tensor : dequantize(value.codes);
}

/** Codes for an int8 consumer: the value's own, or the float requantized with its remembered range. */
export function asCodes(value: Value): QuantizedTensor | null {
  if (value.kind === 'codes') return value.codes;
  if (!value.range || value.range.bits > 8) return null;
  return quantizeWith(value.tensor, value.range);
}

export function quantizeWith(x: Tensor, range: RangeSpec): QuantizedTensor {
  return quantize(x, range.min, range.max, { bits: range.bits });
}

export function disposeValue(value: Value): void {
  if (value.kind === 'codes') value.codes.dispose();
  else value.tensor.dispose();
}

/** Runs `body` on float input(s) and wraps the result, keeping the given range. */
export function floatValue(tensor: Tensor, range: RangeSpec | null): Value {
  return { kind: 'float', tensor, range };
}

export function floatOf(values: Value[], body: (inputs: Tensor[]) => Tensor): Tensor {
  return tidy(() => body(values.map(asFloat)));
}
