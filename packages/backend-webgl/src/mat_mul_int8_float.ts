/** ClipqMatMulInt8 through the float-texture program (WebGL1, or when the integer path cannot run). */
import type { ClipqMatMulInt8Attrs, ClipqMatMulInt8Inputs } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { EpilogueValues } from './mat_mul_int8_epilogue.js';
import { ACTIVATION_CODES } from './programs/int8-epilogue-program.js';
import { exactChunk, MatMulInt8FloatProgram } from './programs/mat-mul-int8-float-program.js';
import { requantizeUniformValues } from './programs/requantize-glsl.js';

/** Codes are int8, so |code − zeroPoint| ≤ 128 + |zeroPoint|. */
function maxCentered(zeroPoints: ArrayLike<number>): number {
  let widest = 0;
  for (let i = 0; i < zeroPoints.length; i++) widest = Math.max(widest, Math.abs(zeroPoints[i]!));
  return 128 + widest;
}

export function matMulInt8Float(
  backend: MathBackendWebGL,
  inputs: ClipqMatMulInt8Inputs,
  attrs: ClipqMatMulInt8Attrs,
  dims: { M: number; K: number; N: number },
  epilogue: EpilogueValues,
): TensorInfo {
  const { M, K, N } = dims;
  const chunk = Math.min(
    K,
    exactChunk(maxCentered([attrs.aZeroPoint]), maxCentered(epilogue.bZeroPoint)),
  );
  const perChannel = inputs.bZeroPoint.shape.length > 0 && inputs.bZeroPoint.shape[0]! > 1;
  const program = new MatMulInt8FloatProgram(M, K, N, attrs.transposeB, perChannel, chunk);
  const values = new Float32Array(2 * N);
  values.set(epilogue.multiplier, 0);
  if (epilogue.bias) values.set(epilogue.bias, N);
  const epilogueInfo = backend.makeTensorInfo([2, N], 'float32', values);
  try {
    return backend.runWebGLProgram(
      program,
      [inputs.a, inputs.b, inputs.bZeroPoint, epilogueInfo],
      attrs.requantize ? 'int32' : 'float32',
      [
        [attrs.aZeroPoint],
        [epilogue.bias ? 1 : 0],
        [ACTIVATION_CODES[attrs.activation]],
        ...requantizeUniformValues(attrs.requantize),
      ],
    );
  } finally {
    backend.disposeIntermediateTensorInfo(epilogueInfo);
  }
}
