/**
 * Dequantize int32 codes to float32 on the cpu backend with core's `dequantizeImpl` (already a single
 * pass over typed arrays, as tfjs-backend-cpu reuses its shared Impl functions).
 */
import {
  ClipqDequantize,
  type ClipqDequantizeAttrs,
  type ClipqDequantizeInputs,
  channelLayout,
  dequantizeImpl,
} from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of, int32Of } from '../backend_data.js';

export function clipqDequantize(args: {
  inputs: ClipqDequantizeInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqDequantizeAttrs;
  const { codes, scale, zeroPoint } = args.inputs;
  if (codes.dtype !== 'int32') {
    throw new Error(`${ClipqDequantize}: codes must be int32, got ${codes.dtype}`);
  }
  const layout = channelLayout(codes.shape, attrs.perChannel, attrs.axis);
  const scales = float32Of(backend, scale);
  const zeroPoints = int32Of(backend, zeroPoint);
  const expected = attrs.perChannel ? layout.channels : 1;
  if (scales.length !== expected || zeroPoints.length !== expected) {
    throw new Error(
      `${ClipqDequantize}: scale/zeroPoint must have ${expected} entries for codes of shape ` +
        `[${codes.shape}], got ${scales.length} and ${zeroPoints.length}`,
    );
  }
  const out = dequantizeImpl(
    int32Of(backend, codes),
    scales,
    zeroPoints,
    layout,
    attrs.bits,
    attrs.narrowRange,
  );
  return backend.makeTensorInfo(codes.shape, 'float32', out);
}

export const clipqDequantizeConfig: KernelConfig = {
  kernelName: ClipqDequantize,
  backendName: 'cpu',
  kernelFunc: clipqDequantize as unknown as KernelFunc,
};
