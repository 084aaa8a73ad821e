/**
 * quantParams: the float32-exact nudged quantization parameters of one range (BRIEF 1, 3.2).
 */
import { quantParamsImpl } from '../impl/quant_params_impl.js';
import { assertBits } from './validate.js';

export interface QuantParamsOptions {
  bits?: number;
  narrowRange?: boolean;
}

export interface QuantParamsResult {
  scale: number;
  /** The unsigned grid point that represents 0.0 (TF's convention, in [qmin, qmax]). */
  zeroPoint: number;
  nudgedMin: number;
  nudgedMax: number;
}

export function quantParams(
  min: number,
  max: number,
  options: QuantParamsOptions = {},
): QuantParamsResult {
  const bits = options.bits ?? 8;
  assertBits('quantParams', bits);
  if (!Number.isFinite(min)) throw new Error(`quantParams: min must be finite, got ${min}`);
  if (!Number.isFinite(max)) throw new Error(`quantParams: max must be finite, got ${max}`);
  if (min > max) throw new Error(`quantParams: min must be ≤ max, got min=${min} > max=${max}`);
  const { scale, zeroPoint, nudgedMin, nudgedMax } = quantParamsImpl(
    min,
    max,
    bits,
    options.narrowRange ?? false,
  );
  return { scale, zeroPoint, nudgedMin, nudgedMax };
}
