/**
 * Host side of the fused epilogue. The per-column arrays (zero points, multipliers f32(aScale·bScale[n]),
 * bias), padded to whole 8-column panels, are filled inside clipq.wasm by `prepareEpilogue` (a JS loop
 * over typed-array views cost ~20 µs per call at N = 1024).
 */
import type { FusedActivation } from '@clipq/core';

export const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

/** Bytes of the three padded arrays (zero points, multipliers, bias) for N columns. */
export function epilogueBytes(N: number): number {
  return Math.ceil(N / 8) * 8 * 4 * 3;
}
