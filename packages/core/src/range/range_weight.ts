/**
 * A learned range lives in one weight of shape [2] (per tensor) or [2, C] (per channel): row 0 is min,
 * row 1 is max. Keeping both in one weight lets a tfjs-layers regularizer and constraint see the pair,
 * which the range penalty (max − min)² and the ordering constraint need.
 */
import { type Tensor, unstack, util } from '@tensorflow/tfjs-core';

export function splitRange(range: Tensor): { min: Tensor; max: Tensor } {
  util.assert(
    (range.rank === 1 || range.rank === 2) && range.shape[0] === 2,
    () =>
      `range: a range weight has shape [2] or [2, C] (row 0 = min, row 1 = max), got [${range.shape}]`,
  );
  const [min, max] = unstack(range) as [Tensor, Tensor];
  return { min, max };
}
