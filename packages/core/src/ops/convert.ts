/**
 * Converts an op argument to a Tensor, as tfjs's internal `convertToTensor` does (it is not part of
 * tfjs-core's public API).
 */
import { type DataType, Tensor, type TensorLike, tensor, util } from '@tensorflow/tfjs-core';

export function toTensor(
  x: Tensor | TensorLike,
  argName: string,
  opName: string,
  dtype: DataType,
): Tensor {
  if (x instanceof Tensor) return x;
  util.assert(
    x != null &&
      (typeof x === 'number' || typeof x === 'boolean' || util.isTypedArray(x) || Array.isArray(x)),
    () => `${opName}: argument '${argName}' must be a Tensor or TensorLike, got ${String(x)}`,
  );
  return tensor(x as TensorLike, undefined, dtype);
}
