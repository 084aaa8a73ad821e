/** Reading tensor values out of the cpu backend, as tfjs-backend-cpu's own kernels do. */
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

export function valuesOf(backend: MathBackendCPU, info: TensorInfo): TypedArray {
  return backend.data.get(info.dataId).values as TypedArray;
}

export function float32Of(backend: MathBackendCPU, info: TensorInfo): Float32Array {
  const values = valuesOf(backend, info);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

export function int32Of(backend: MathBackendCPU, info: TensorInfo): Int32Array {
  const values = valuesOf(backend, info);
  return values instanceof Int32Array ? values : Int32Array.from(values);
}
