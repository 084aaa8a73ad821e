/**
 * The pinned-weights contract (PINNED.md), declared here until @clipq/core exports it: the same
 * structural types as core's `PinnedWeightsAttr` and `PinRequest`.
 */
import type { Tensor } from '@tensorflow/tfjs-core';

export type PinnableKernel = 'ClipqMatMulInt8' | 'ClipqConv2DInt8' | 'ClipqDepthwiseConv2DInt8';

/** `attrs.pinnedWeights`: the cache key, and the absent weight input's shape. */
export interface PinnedWeightsAttr {
  key: object;
  shape: number[];
}

export interface PinRequest {
  kernelName: PinnableKernel;
  /** int32 codes on the wasm backend, in the kernel's weight-input shape (matmul b is [K,N]). */
  codes: Tensor;
}
