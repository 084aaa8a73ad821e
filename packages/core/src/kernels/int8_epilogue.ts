/**
 * The int8 kernels' float epilogue in tfjs ops, shared by the reference matmul and convolutions:
 * act(f32(f32(f32(acc) · f32(xScale · wScale[n])) + bias[n])) over the last axis n, then, when the
 * kernel's `requantize` attribute is set, the fused requantization to int32 codes.
 */
import {
  add,
  cast,
  div,
  fill,
  floor,
  isNaN as isNaNOp,
  maximum,
  minimum,
  mul,
  relu,
  relu6,
  reshape,
  scalar,
  sub,
  type Tensor,
  where,
} from '@tensorflow/tfjs-core';
import type { FusedActivation, RequantizeAttrs } from '../kernel_names.js';

/** `requantizeCodeImpl` in tfjs ops: ClipqQuantize's float32 steps and half-up rounding. */
export function requantizeCodes(v: Tensor, r: RequantizeAttrs): Tensor {
  if (r.scale === 0) return fill(v.shape, r.zeroCode, 'int32');
  const clamped = maximum(minimum(v, scalar(r.nudgedMax)), scalar(r.nudgedMin));
  const shifted = div(sub(clamped, scalar(r.nudgedMin)), scalar(r.scale));
  const codes = add(floor(add(shifted, scalar(0.5))), scalar(r.codeMin));
  return cast(where(isNaNOp(v), fill(v.shape, r.zeroCode), codes), 'int32');
}

export function int8Epilogue(
  acc: Tensor,
  xScale: number,
  wScale: Tensor,
  bias: Tensor | null,
  activation: FusedActivation,
  requantize: RequantizeAttrs | null = null,
): Tensor {
  const lastAxis = (t: Tensor) => reshape(t, [...new Array(acc.rank - 1).fill(1), -1]);
  // f32(acc): tfjs-cpu's int32→float32 cast keeps the int32 values unrounded, so round explicitly
  // (a float32 add stores into a Float32Array) before the product, as the contract says.
  const accFloat = add(cast(acc, 'float32'), scalar(0));
  let out = mul(accFloat, lastAxis(mul(wScale, scalar(xScale))));
  if (bias) out = add(out, lastAxis(bias));
  if (activation === 'relu') out = relu(out);
  if (activation === 'relu6') out = relu6(out);
  return requantize ? requantizeCodes(out, requantize) : out;
}
