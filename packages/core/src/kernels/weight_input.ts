/**
 * The weight input of an int8 kernel (ClipqMatMulInt8 `b`, the convolutions' `filter`), which is absent
 * when the weights are pinned (`attrs.pinnedWeights`, QuantizedTensor.pack). Every backend's kernels and
 * core's reference kernels read the shape and demand the input the same way, with the same error.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { PinnableKernel } from '../int8/packed_weight_cache.js';
import type { PinnedWeightsAttr } from '../kernel_names.js';

/** The weight input, which must be present when the weights are not pinned. */
export function requiredWeightInput(
  kernelName: PinnableKernel,
  input: TensorInfo | undefined,
): TensorInfo {
  if (input == null) {
    throw new Error(`${kernelName}: the weight input is missing (and no pinnedWeights attribute)`);
  }
  return input;
}

/** The weights' shape: the pinned shape, or the weight input's. */
export function weightShape(
  kernelName: PinnableKernel,
  input: TensorInfo | undefined,
  pinned: PinnedWeightsAttr | null | undefined,
): number[] {
  return pinned ? pinned.shape : requiredWeightInput(kernelName, input).shape;
}
