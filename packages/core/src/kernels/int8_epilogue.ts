/**
 * The int8 kernels' float epilogue in tfjs ops, shared by the reference matmul and convolutions:
 * act(f32(f32(f32(acc) · f32(xScale · wScale[n])) + bias[n])) over the last axis n.
 */
import { add, cast, mul, relu, relu6, reshape, scalar, type Tensor } from '@tensorflow/tfjs-core';
import type { FusedActivation } from '../kernel_names.js';

export function int8Epilogue(
  acc: Tensor,
  xScale: number,
  wScale: Tensor,
  bias: Tensor | null,
  activation: FusedActivation,
): Tensor {
  const lastAxis = (t: Tensor) => reshape(t, [...new Array(acc.rank - 1).fill(1), -1]);
  // f32(acc): tfjs-cpu's int32→float32 cast keeps the int32 values unrounded, so round explicitly
  // (a float32 add stores into a Float32Array) before the product, as the contract says.
  const accFloat = add(cast(acc, 'float32'), scalar(0));
  let out = mul(accFloat, lastAxis(mul(wScale, scalar(xScale))));
  if (bias) out = add(out, lastAxis(bias));
  if (activation === 'relu') out = relu(out);
  if (activation === 'relu6') out = relu6(out);
  return out;
}
