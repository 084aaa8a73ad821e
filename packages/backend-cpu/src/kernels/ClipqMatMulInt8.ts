/**
 * Exact int8 matmul on the cpu backend: B is packed once per codes tensor into an Int8Array (about one
 * byte per weight, cached by dataId), A is multiplied raw, zero points are folded in from row and column
 * sums, and the float32 epilogue (scale, bias, relu/relu6) is fused. Bit-identical to `matMulInt8Impl`.
 */
import { ClipqMatMulInt8, type ClipqMatMulInt8Attrs } from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of, int32Of } from '../backend_data.js';
import { matMulInt8Output } from '../int8/mat_mul_int8_packed.js';
import { validateMatMulInt8 } from '../int8/validate_mat_mul_int8.js';
import { type MatMulInt8KernelInputs, packedMatrix } from '../int8/weight_source.js';

export function clipqMatMulInt8(args: {
  inputs: MatMulInt8KernelInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendCPU;
  const attrs = args.attrs as unknown as ClipqMatMulInt8Attrs;
  const { a, b, bScale, bZeroPoint, bias } = args.inputs;
  const { M, K, N } = validateMatMulInt8(args.inputs, attrs);
  const weights = packedMatrix(
    backend,
    ClipqMatMulInt8,
    b,
    attrs.pinnedWeights,
    K,
    N,
    attrs.transposeB,
  );
  const out = matMulInt8Output(
    {
      a: int32Of(backend, a),
      M,
      weights,
      aScale: attrs.aScale,
      aZeroPoint: attrs.aZeroPoint,
      bScale: float32Of(backend, bScale),
      bZeroPoint: int32Of(backend, bZeroPoint),
    },
    attrs.hasBias && bias != null ? float32Of(backend, bias) : null,
    attrs.activation,
    attrs.requantize,
  );
  return backend.makeTensorInfo([M, N], out.dtype, out.values);
}

export const clipqMatMulInt8Config: KernelConfig = {
  kernelName: ClipqMatMulInt8,
  backendName: 'cpu',
  kernelFunc: clipqMatMulInt8 as unknown as KernelFunc,
};
