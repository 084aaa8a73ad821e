/**
 * Host side of the fused epilogue: per-column arrays padded to whole 8-column panels. The multiplier is
 * f32(aScale·bScale[n]) computed in double and rounded once, exactly as `requantizeOutputImpl`.
 */
import type { FusedActivation } from '@clipq/core';

export const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

export function epilogueArrays(
  N: number,
  aScale: number,
  bScale: ArrayLike<number>,
  bZeroPoint: ArrayLike<number>,
  bias: ArrayLike<number> | null,
) {
  const padded = Math.ceil(N / 8) * 8;
  const zeroPoints = new Int32Array(padded);
  const multipliers = new Float32Array(padded);
  const biasValues = bias ? new Float32Array(padded) : null;
  for (let n = 0; n < N; n++) {
    zeroPoints[n] = bZeroPoint.length === 1 ? bZeroPoint[0]! : bZeroPoint[n]!;
    multipliers[n] = Math.fround(aScale * (bScale.length === 1 ? bScale[0]! : bScale[n]!));
    if (biasValues) biasValues[n] = bias![n]!;
  }
  return { zeroPoints, multipliers, bias: biasValues };
}
