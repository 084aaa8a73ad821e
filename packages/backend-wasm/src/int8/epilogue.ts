/**
 * Host side of the fused epilogue. The per-column arrays (zero points, multipliers f32(aScale·bScale[n]),
 * bias), padded to whole 8-column panels, are filled inside clipq.wasm by `prepareEpilogue` (a JS loop
 * over typed-array views cost ~20 µs per call at N = 1024).
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';
import type { ClipqExports } from '../module/exports.js';

export const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

/** Bytes of the three padded arrays (zero points, multipliers, bias) for N columns. */
export function epilogueBytes(N: number): number {
  return Math.ceil(N / 8) * 8 * 4 * 3;
}

/**
 * Turns the module's fused requantization on (the kernel's outputs become int32 codes) or off. The
 * attributes are float32 values already; Math.fround keeps them exact through the f32 parameters.
 */
export function setRequantize(wasm: ClipqExports, r: RequantizeAttrs | null | undefined): void {
  if (!r) wasm.setRequantize(0, 0, 0, 0, 0, 0);
  else
    wasm.setRequantize(
      1,
      Math.fround(r.nudgedMin),
      Math.fround(r.nudgedMax),
      Math.fround(r.scale),
      r.codeMin,
      r.zeroCode,
    );
}

/** The output dtype of an int8 kernel: int32 codes when requantizing, float32 otherwise. */
export function outputDtype(r: RequantizeAttrs | null | undefined): 'int32' | 'float32' {
  return r ? 'int32' : 'float32';
}
