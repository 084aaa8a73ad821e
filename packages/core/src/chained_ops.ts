/**
 * `tensor.fakeQuant(min, max, options)`, the chained form of `fakeQuant`, with its type augmentation.
 */
import { type Rank, Tensor, type TensorLike } from '@tensorflow/tfjs-core';
import { type FakeQuantOptions, fakeQuant } from './ops/fake_quant.js';

declare module '@tensorflow/tfjs-core/dist/tensor.js' {
  interface Tensor<R extends Rank = Rank> {
    fakeQuant<T extends Tensor>(
      this: T,
      min: Tensor | TensorLike | number,
      max: Tensor | TensorLike | number,
      options?: FakeQuantOptions,
    ): T;
  }
}

const prototype = Tensor.prototype;
prototype.fakeQuant = function <T extends Tensor>(
  this: T,
  min: Tensor | TensorLike | number,
  max: Tensor | TensorLike | number,
  options?: FakeQuantOptions,
): T {
  (this as unknown as { throwIfDisposed(): void }).throwIfDisposed();
  return fakeQuant(this, min, max, options);
};
