/**
 * Where an int8 kernel's weights come from: the pinned entry when the kernel got `attrs.pinnedWeights`
 * (its weight input is then absent), else the weight input's codes (packed and cached for a GEMM).
 */

import { type PinnableKernel, type PinnedWeightsAttr, requiredWeightInput } from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { int32Of } from '../backend_data.js';
import { packedWeightCache } from './packed_weight_cache.js';
import type { PackedWeights } from './packed_weights.js';

/** The convolution kernels' inputs: `filter` is absent when `attrs.pinnedWeights` is set. */
export interface ConvInt8KernelInputs {
  x: TensorInfo;
  filter?: TensorInfo;
  wScale: TensorInfo;
  wZeroPoint: TensorInfo;
  bias?: TensorInfo;
}

/** The matmul kernel's inputs: `b` is absent when `attrs.pinnedWeights` is set. */
export interface MatMulInt8KernelInputs {
  a: TensorInfo;
  b?: TensorInfo;
  bScale: TensorInfo;
  bZeroPoint: TensorInfo;
  bias?: TensorInfo;
}

/** The packed B of a GEMM kernel (matmul, conv): pinned, or packed from the input on first use. */
export function packedMatrix(
  backend: MathBackendCPU,
  kernelName: PinnableKernel,
  input: TensorInfo | undefined,
  pinned: PinnedWeightsAttr | null | undefined,
  K: number,
  N: number,
  transposeB: boolean,
): PackedWeights {
  // No sweep here (it cost a pass over the cache per call): the cache sweeps when it grows or counts.
  if (pinned) {
    const entry = packedWeightCache.pinned(pinned.key, pinned.shape, kernelName);
    // pinned() checked the entry kind; this narrows the type.
    if (!('packed' in entry)) throw new Error(`${kernelName}: pinned weights are not a matrix`);
    return entry.packed;
  }
  const weights = requiredWeightInput(kernelName, input);
  return packedWeightCache.get(weights.dataId, () => int32Of(backend, weights), K, N, transposeB);
}

/** The depthwise filter's pinned int8 codes, in the filter's own layout (the resident copy, in place). */
export function pinnedFilterCodes(
  pinned: PinnedWeightsAttr,
  kernelName: PinnableKernel,
): Int8Array {
  const entry = packedWeightCache.pinned(pinned.key, pinned.shape, kernelName);
  if (!('codes' in entry)) throw new Error(`${kernelName}: pinned weights are not a filter`);
  return entry.codes;
}
