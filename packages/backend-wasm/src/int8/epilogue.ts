/**
 * Host side of the fused epilogue: per-column arrays, padded to whole 8-column panels, written straight
 * into the heap. The multiplier is f32(aScale·bScale[n]) computed in double and rounded once, exactly as
 * `requantizeOutputImpl`.
 */
import type { FusedActivation } from '@clipq/core';
import type { Heap } from '../heap/heap.js';

export const ACTIVATION_CODES: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

export interface EpilogueSources {
  aScale: number;
  bScale: ArrayLike<number>;
  bZeroPoint: ArrayLike<number>;
  bias: ArrayLike<number> | null;
}

/** Bytes of the three padded arrays (zero points, multipliers, bias) for N columns. */
export function epilogueBytes(N: number): number {
  return Math.ceil(N / 8) * 8 * 4 * 3;
}

/** Writes zero points (i32), multipliers (f32) and bias (f32) at `ptr`, each `padded` long. */
export function writeEpilogue(heap: Heap, ptr: number, N: number, sources: EpilogueSources): void {
  const padded = Math.ceil(N / 8) * 8;
  const zeroPoints = heap.i32(ptr, padded);
  const multipliers = heap.f32(ptr + padded * 4, padded);
  const bias = heap.f32(ptr + padded * 8, padded);
  const { aScale, bScale, bZeroPoint } = sources;
  const perChannelScale = bScale.length > 1;
  const perChannelZero = bZeroPoint.length > 1;
  for (let n = 0; n < N; n++) {
    zeroPoints[n] = perChannelZero ? bZeroPoint[n]! : bZeroPoint[0]!;
    multipliers[n] = aScale * (perChannelScale ? bScale[n]! : bScale[0]!);
  }
  zeroPoints.fill(0, N);
  multipliers.fill(0, N);
  if (sources.bias) bias.set(sources.bias);
  bias.fill(0, sources.bias ? N : 0);
}
