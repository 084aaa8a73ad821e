/**
 * Keeps a learned range valid after every optimizer step: min ≤ 0 ≤ max (zero stays representable,
 * as the nudge wants anyway) and max − min ≥ ε (the range never collapses or inverts).
 * A tfjs-layers constraint for [2] / [2, C] range weights.
 */
import {
  add,
  maximum,
  minimum,
  serialization,
  stack,
  type Tensor,
  tidy,
  util,
} from '@tensorflow/tfjs-core';
import { splitRange } from './range_weight.js';

export interface RangeConstraintConfig {
  /** Smallest allowed max − min. Default 1e-4. */
  epsilon?: number;
}

export class RangeConstraint extends serialization.Serializable {
  static className = 'ClipqRangeConstraint';
  readonly epsilon: number;

  constructor(config: RangeConstraintConfig = {}) {
    super();
    const epsilon = config.epsilon ?? 1e-4;
    util.assert(
      Number.isFinite(epsilon) && epsilon > 0,
      () => `rangeConstraint: epsilon must be a finite number > 0, got ${epsilon}`,
    );
    this.epsilon = epsilon;
  }

  apply(range: Tensor): Tensor {
    return tidy(() => {
      const { min, max } = splitRange(range);
      const lo = minimum(min, 0);
      const hi = maximum(maximum(max, 0), add(lo, this.epsilon));
      return stack([lo, hi]);
    });
  }

  getConfig(): serialization.ConfigDict {
    return { epsilon: this.epsilon };
  }
}
serialization.registerClass(RangeConstraint);

export function rangeConstraint(config?: RangeConstraintConfig): RangeConstraint {
  return new RangeConstraint(config);
}
