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

const known = new WeakMap<object, CodeBounds>();

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
  known.set(info.dataId, bounds);
}

export function knownBounds(info: TensorInfo): CodeBounds | undefined {
  return known.get(info.dataId);
}
