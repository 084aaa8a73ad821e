/**
 * Argument checks shared by clipq's ops. Messages name the op, the argument and its value, and are
 * built lazily, as tfjs's `util.assert` expects.
 */
import { scalar, type Tensor, type TensorLike, util } from '@tensorflow/tfjs-core';
import { checkRangesEnabled } from '../flags.js';
import { toTensor } from './convert.js';

export function assertBits(opName: string, bits: number): void {
  util.assert(
    Number.isInteger(bits) && bits >= 2 && bits <= 16,
    () => `${opName}: bits must be an integer in 2..16, got ${bits}`,
  );
}

export function normalizeAxis(opName: string, axis: number, rank: number): number {
  util.assert(
    Number.isInteger(axis) && axis >= -rank && axis < rank,
    () =>
      `${opName}: axis must be an integer in [${-rank}, ${rank - 1}] for rank ${rank}, got ${axis}`,
  );
  return axis < 0 ? axis + rank : axis;
}

export interface RangeArgs {
  $min: Tensor;
  $max: Tensor;
  perChannel: boolean;
  axis: number;
}

function toRangeTensor(value: Tensor | TensorLike | number, name: string, opName: string): Tensor {
  return typeof value === 'number'
    ? scalar(value, 'float32')
    : toTensor(value, name, opName, 'float32');
}

/**
 * Converts and checks `min`/`max` against `xShape`. A range with more than one element, or any 1-D
 * range when `axis` is given, is per channel along `axis` (default: the last axis).
 */
export function resolveRanges(
  opName: string,
  xShape: readonly number[],
  min: Tensor | TensorLike | number,
  max: Tensor | TensorLike | number,
  axisOption: number | undefined,
): RangeArgs {
  const $min = toRangeTensor(min, 'min', opName);
  const $max = toRangeTensor(max, 'max', opName);
  util.assert(
    $min.rank <= 1 && $max.rank <= 1,
    () =>
      `${opName}: min and max must be scalars or 1-D, got shapes [${$min.shape}] and [${$max.shape}]`,
  );
  util.assert(
    util.arraysEqual($min.shape, $max.shape),
    () =>
      `${opName}: min and max must have the same shape, got [${$min.shape}] and [${$max.shape}]`,
  );
  const rank = xShape.length;
  const perChannel = $min.rank === 1 && ($min.size > 1 || axisOption != null);
  let axis = -1;
  if (perChannel) {
    util.assert(rank >= 1, () => `${opName}: per-channel ranges need x of rank ≥ 1, got a scalar`);
    axis = normalizeAxis(opName, axisOption ?? -1, rank);
    util.assert(
      $min.size === xShape[axis],
      () =>
        `${opName}: min/max have ${$min.size} entries but x has ${xShape[axis]} channels ` +
        `along axis ${axis} (x shape [${xShape}])`,
    );
  } else {
    util.assert(
      $min.size === 1,
      () => `${opName}: min must have one element, got shape [${$min.shape}]`,
    );
    if (axisOption != null) normalizeAxis(opName, axisOption, rank);
  }
  if (checkRangesEnabled()) assertRangeValues(opName, $min, $max);
  return { $min, $max, perChannel, axis: perChannel ? axis : 0 };
}

/** Reads the (small) ranges back and rejects NaN/Infinity and min > max. */
export function assertRangeValues(opName: string, $min: Tensor, $max: Tensor): void {
  const mins = $min.dataSync();
  const maxs = $max.dataSync();
  for (let c = 0; c < mins.length; c++) {
    const lo = mins[c]!;
    const hi = maxs[c]!;
    const where = mins.length > 1 ? `[${c}]` : '';
    util.assert(Number.isFinite(lo), () => `${opName}: min${where} must be finite, got ${lo}`);
    util.assert(Number.isFinite(hi), () => `${opName}: max${where} must be finite, got ${hi}`);
    util.assert(
      lo <= hi,
      () => `${opName}: min${where} must be ≤ max${where}, got min=${lo} > max=${hi}`,
    );
  }
}
