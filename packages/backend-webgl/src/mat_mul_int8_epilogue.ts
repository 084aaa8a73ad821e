/**
 * The per-column epilogue values of an int8 matmul, computed on the CPU in float32 exactly as core's
 * `requantizeOutputImpl` does: multiplier[n] = f32(aScale · bScale[n]) (aScale is a JS number, so the
 * product must be rounded once, here, not in a shader), and the bias.
 */
import type { ClipqMatMulInt8Attrs, ClipqMatMulInt8Inputs } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { readValues } from './gl/webgl_backend.js';

export interface EpilogueValues {
  multiplier: Float32Array;
  bias: Float32Array | null;
  bZeroPoint: Int32Array;
}

export function epilogueValues(
  backend: MathBackendWebGL,
  inputs: ClipqMatMulInt8Inputs,
  attrs: ClipqMatMulInt8Attrs,
  N: number,
): EpilogueValues {
  const scale = readValues(backend, inputs.bScale);
  const multiplier = new Float32Array(N);
  for (let n = 0; n < N; n++)
    multiplier[n] = Math.fround(attrs.aScale * scale[scale.length === 1 ? 0 : n]!);
  const biasInfo = (inputs as { bias?: ClipqMatMulInt8Inputs['a'] }).bias;
  const bias = attrs.hasBias && biasInfo ? Float32Array.from(readValues(backend, biasInfo)) : null;
  return { multiplier, bias, bZeroPoint: Int32Array.from(readValues(backend, inputs.bZeroPoint)) };
}

/** Interleaved (multiplier, bias) pairs for an RG32F texture or a [2, N] tensor. */
export function interleave(values: EpilogueValues, N: number): Float32Array {
  const out = new Float32Array(2 * N);
  for (let n = 0; n < N; n++) {
    out[2 * n] = values.multiplier[n]!;
    out[2 * n + 1] = values.bias ? values.bias[n]! : 0;
  }
  return out;
}
