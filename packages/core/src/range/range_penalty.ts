/**
 * The range penalty λ·Σ(max − min)²: the seed's "minimizing the range during training". Narrower ranges
 * mean finer quantization steps; the task loss pushes back wherever clipping hurts.
 *
 * Use it as a tfjs-layers regularizer on a range weight ([2] or [2, C]), or add `penalty.between(min,
 * max)` to a custom loss.
 */
import {
  mul,
  type Scalar,
  serialization,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  util,
} from '@tensorflow/tfjs-core';
import { splitRange } from './range_weight.js';

export interface RangePenaltyConfig {
  lambda: number;
}

export class RangePenalty extends serialization.Serializable {
  static className = 'ClipqRangePenalty';
  readonly lambda: number;

  constructor(config: RangePenaltyConfig) {
    super();
    util.assert(
      Number.isFinite(config.lambda) && config.lambda >= 0,
      () => `rangePenalty: lambda must be a finite number ≥ 0, got ${config.lambda}`,
    );
    this.lambda = config.lambda;
  }

  /** The regularizer entry point: `range` is a [2] or [2, C] range weight. */
  apply(range: Tensor): Scalar {
    return tidy(() => {
      const { min, max } = splitRange(range);
      return this.between(min, max);
    });
  }

  /** λ·Σ(max − min)² for separate min and max tensors of the same shape. */
  between(min: Tensor, max: Tensor): Scalar {
    return tidy(() => mul(sum(square(sub(max, min))), this.lambda) as Scalar);
  }

  getConfig(): serialization.ConfigDict {
    return { lambda: this.lambda };
  }
}
serialization.registerClass(RangePenalty);

export function rangePenalty(lambda: number): RangePenalty {
  return new RangePenalty({ lambda });
}
