/**
 * Fused requantization (see `RequantizeAttrs`): an int8 kernel's float32 output value → the next
 * layer's code, with exactly ClipqQuantize's float32 steps and TF's half-up rounding, so a fused kernel
 * gives the codes that "kernel, then quantize" gives.
 */
import type { RequantizeAttrs } from '../kernel_names.js';
import { quantParamsImpl } from './quant_params_impl.js';
import { codeOffset } from './quantize_impl.js';

const f32 = Math.fround;

/** The requantization attributes for a per-tensor range [min, max] at `bits` (not narrow range). */
export function requantizeAttrs(min: number, max: number, bits: number): RequantizeAttrs {
  const p = quantParamsImpl(min, max, bits, false);
  const offset = codeOffset(bits);
  return {
    nudgedMin: p.nudgedMin,
    nudgedMax: p.nudgedMax,
    scale: p.scale,
    codeMin: p.qmin - offset,
    zeroCode: p.zeroPoint - offset,
  };
}

export function requantizeCodeImpl(v: number, r: RequantizeAttrs): number {
  if (r.scale === 0 || Number.isNaN(v)) return r.zeroCode;
  const clamped = Math.min(Math.max(v, r.nudgedMin), r.nudgedMax);
  const shifted = f32(f32(clamped - r.nudgedMin) / r.scale);
  return Math.floor(f32(shifted + 0.5)) + r.codeMin;
}

export function requantizeCodesImpl(values: ArrayLike<number>, r: RequantizeAttrs): Int32Array {
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = requantizeCodeImpl(values[i]!, r);
  return codes;
}
