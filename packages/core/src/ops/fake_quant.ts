/**
 * fakeQuant: clip x to the learned range [min, max], quantize to `bits` bits and dequantize, in float.
 * Gradients flow to x (straight-through inside the range), and to min and max (BRIEF 1).
 */
import {
  engine,
  type NamedAttrMap,
  type NamedTensorMap,
  op,
  type Tensor,
  type TensorLike,
  util,
} from '@tensorflow/tfjs-core';
import {
  ClipqFakeQuant,
  type ClipqFakeQuantAttrs,
  type ClipqFakeQuantInputs,
  type RangeGradient,
  type Rounding,
} from '../kernel_names.js';
import { toTensor } from './convert.js';
import { assertBits, resolveRanges } from './validate.js';

export interface FakeQuantOptions {
  /** 2..16, default 8. */
  bits?: number;
  /** Grid starts at 1 (symmetric ranges map 0 to the middle). Default false. */
  narrowRange?: boolean;
  /** Per-channel axis when min/max are 1-D; default: the last axis. */
  axis?: number;
  /** Default 'half-up' (TensorFlow). */
  rounding?: Rounding;
  /** Default 'full': ranges also learn from the in-range rounding error. */
  rangeGradient?: RangeGradient;
  /** Multiplies dmin/dmax. 'lsq' is 1/√(N·qmax), N = elements per range. Default 1. */
  gradScale?: number | 'lsq';
}

const ROUNDINGS: readonly string[] = ['half-up', 'half-even'];
const RANGE_GRADIENTS: readonly string[] = ['full', 'clip'];

function fakeQuant_<T extends Tensor>(
  x: T | TensorLike,
  min: Tensor | TensorLike | number,
  max: Tensor | TensorLike | number,
  options: FakeQuantOptions = {},
): T {
  const opName = 'fakeQuant';
  const $x = toTensor(x, 'x', opName, 'float32');
  util.assert($x.dtype === 'float32', () => `${opName}: x must be float32, got ${$x.dtype}`);
  const attrs = fakeQuantAttrs(opName, $x.shape, options);
  const { $min, $max, perChannel, axis } = resolveRanges(opName, $x.shape, min, max, options.axis);
  const perRange = perChannel ? $x.size / $min.size : $x.size;
  const resolved: ClipqFakeQuantAttrs = {
    ...attrs,
    perChannel,
    axis,
    gradScale: resolveGradScale(opName, options.gradScale, perRange, attrs.bits),
  };
  const inputs: ClipqFakeQuantInputs = { x: $x, min: $min, max: $max };
  return engine().runKernel(
    ClipqFakeQuant,
    inputs as unknown as NamedTensorMap,
    resolved as unknown as NamedAttrMap,
  ) as T;
}

/** Checks and defaults the option fields shared with `quantize`. */
export function fakeQuantAttrs(
  opName: string,
  _shape: readonly number[],
  options: FakeQuantOptions,
): Omit<ClipqFakeQuantAttrs, 'perChannel' | 'axis' | 'gradScale'> {
  const bits = options.bits ?? 8;
  assertBits(opName, bits);
  const rounding = options.rounding ?? 'half-up';
  util.assert(
    ROUNDINGS.includes(rounding),
    () => `${opName}: rounding must be 'half-up' or 'half-even', got ${String(rounding)}`,
  );
  const rangeGradient = options.rangeGradient ?? 'full';
  util.assert(
    RANGE_GRADIENTS.includes(rangeGradient),
    () => `${opName}: rangeGradient must be 'full' or 'clip', got ${String(rangeGradient)}`,
  );
  return { bits, narrowRange: options.narrowRange ?? false, rounding, rangeGradient };
}

/** LSQ's gradient scale 1/√(N·qmax), or a user number. */
export function resolveGradScale(
  opName: string,
  gradScale: number | 'lsq' | undefined,
  elementsPerRange: number,
  bits: number,
): number {
  if (gradScale === undefined) return 1;
  if (gradScale === 'lsq') return 1 / Math.sqrt(Math.max(1, elementsPerRange) * (2 ** bits - 1));
  util.assert(
    Number.isFinite(gradScale) && gradScale > 0,
    () => `${opName}: gradScale must be a positive number or 'lsq', got ${String(gradScale)}`,
  );
  return gradScale;
}

export const fakeQuant = /* @__PURE__ */ op({ fakeQuant_ });
