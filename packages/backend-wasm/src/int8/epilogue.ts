/**
 * Host side of the fused epilogue. The per-column arrays (zero points, multipliers f32(aScale·bScale[n]),
 * bias), padded to whole 8-column panels, are filled inside clipq.wasm by `prepareEpilogue` (a JS loop
 * over typed-array views cost ~20 µs per call at N = 1024).
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { ClipqExports } from '../module/exports.js';

export const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

/** Bytes of the three padded arrays (zero points, multipliers, bias) for N columns, and 64 of scratch. */
export function epilogueBytes(N: number): number {
  return Math.ceil(N / 8) * 8 * 4 * 3 + 64;
}

/** What the fused epilogue of one kernel call needs (pointers into the heap; 0 = no bias). */
export interface EpilogueSpec {
  N: number;
  aScale: number;
  scalePtr: number;
  scaleCount: number;
  zeroPointPtr: number;
  zeroPointCount: number;
  biasPtr: number;
  activation: FusedActivation;
  requantize: RequantizeAttrs | null | undefined;
  /** False when the kernel folds the weight zero points in itself (no bZeroPoint·Σa' correction). */
  correctZeroPoints: boolean;
}

/** Elements of a tensor (for the parameter counts: N per channel, or 1 per tensor). */
export function elementCount(info: TensorInfo): number {
  return info.shape.reduce((a, b) => a * b, 1);
}

/**
 * The epilogue of an int8 convolution (direct, padded-image and depthwise kernels): the kernel folds the
 * weight zero points in itself, so no bZeroPoint·Σa' correction.
 */
export function convEpilogueSpec(
  N: number,
  attrs: { xScale: number; activation: FusedActivation; requantize?: RequantizeAttrs | null },
  weights: { wScale: TensorInfo; wZeroPoint: TensorInfo },
  pointers: { scalePtr: number; zeroPointPtr: number; biasPtr: number },
): EpilogueSpec {
  return {
    N,
    aScale: attrs.xScale,
    ...pointers,
    scaleCount: elementCount(weights.wScale),
    zeroPointCount: elementCount(weights.wZeroPoint),
    activation: attrs.activation,
    requantize: attrs.requantize,
    correctZeroPoints: false,
  };
}

/**
 * Fills the epilogue arrays at `at` (`epilogueBytes(N)` bytes) and sets the module's epilogue state.
 * Returns the address of the 64 bytes of scratch after the arrays.
 */
export function setupEpilogue(wasm: ClipqExports, at: number, e: EpilogueSpec): number {
  const padded = Math.ceil(e.N / 8) * 8;
  const hasZeroPoints = wasm.prepareEpilogue(
    at,
    e.N,
    padded,
    e.aScale,
    e.scalePtr,
    e.scaleCount,
    e.zeroPointPtr,
    e.zeroPointCount,
    e.biasPtr,
  );
  const bytes = padded * 4;
  wasm.setEpilogue(
    hasZeroPoints && e.correctZeroPoints ? at : 0,
    at + bytes,
    e.biasPtr ? at + 2 * bytes : 0,
    ACTIVATION_CODES[e.activation],
    at + 3 * bytes,
  );
  setRequantize(wasm, e.requantize);
  return at + 3 * bytes;
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
