/**
 * Code ranges of int32 tensors this package produced by fused requantization, keyed by dataId, so a
 * consumer (the depthwise kernel's exactness bound) need not scan its input: in MobileNet the input of
 * every depthwise convolution is the requantized output of the layer before. tfjs tensors are
 * immutable and a dataId is never reused for other data, so a recorded range stays true.
 */
import type { RequantizeAttrs } from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';

export interface CodeBounds {
  min: number;
  max: number;
}

/**
 * A Map, not a WeakMap: setting a WeakMap entry per kernel call measured ~2% of a batch-1 prediction of
 * the demo CNN. Entries of disposed tensors are harmless (a dataId is never reused) but would pile
 * up, so the map is emptied past a size; losing an entry only costs the next consumer a scan.
 */
const known = new Map<object, CodeBounds>();
const MOST_ENTRIES = 4096;

/** The codes requantizeCodeImpl can produce for these attributes (clamped grid, or the zero code). */
export function requantizedBounds(r: RequantizeAttrs): CodeBounds {
  if (r.scale === 0) return { min: r.zeroCode, max: r.zeroCode };
  const f32 = Math.fround;
  const top = Math.floor(f32(f32(f32(r.nudgedMax - r.nudgedMin) / r.scale) + 0.5));
  return {
    min: Math.min(r.codeMin, r.zeroCode),
    max: Math.max(r.codeMin + top, r.zeroCode),
  };
}

export function recordBounds(info: TensorInfo, bounds: CodeBounds): void {
  if (known.size >= MOST_ENTRIES) known.clear();
  known.set(info.dataId, bounds);
}

export function knownBounds(info: TensorInfo): CodeBounds | undefined {
  return known.get(info.dataId);
}
