/**
 * What flows between layers in the int8 runtime: int8 codes (a per-tensor QuantizedTensor) between
 * quantized layers, or float32 where a layer has no int8 kernel. A float value remembers the range of
 * the codes it came from, so the next quantized layer can requantize it with that learned range.
 */
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { dequantize } from '../ops/dequantize.js';
import type { Quantizer, RangeSpec } from './quantizer.js';

export type { RangeSpec };

export type Value =
  | { kind: 'codes'; codes: QuantizedTensor; quantizer: Quantizer }
  | { kind: 'float'; tensor: Tensor; quantizer: Quantizer | null };

export function asFloat(value: Value): Tensor {
  return value.kind === 'float' ? value.tensor : dequantize(value.codes);
}

/** Codes for an int8 consumer: the value's own, or the float requantized with its remembered range. */
export function asCodes(value: Value): QuantizedTensor | null {
  if (value.kind === 'codes') return value.codes;
  if (!value.quantizer || value.quantizer.range.bits > 8) return null;
  return value.quantizer.apply(value.tensor);
}

export function disposeValue(value: Value): void {
  if (value.kind === 'codes') value.codes.dispose();
  else value.tensor.dispose();
}

/** A float value, remembering the quantizer of the codes it came from (if any). */
export function floatValue(tensor: Tensor, quantizer: Quantizer | null): Value {
  return { kind: 'float', tensor, quantizer };
}

export function floatOf(values: Value[], body: (inputs: Tensor[]) => Tensor): Tensor {
  return tidy(() => body(values.map(asFloat)));
}
