/**
 * Initializes a range weight ([2] or [2, C]) to a constant [min, max], since tfjs-layers' constant
 * initializer fills one value only.
 */
import {
  type DataType,
  fill,
  serialization,
  stack,
  type Tensor,
  tidy,
  util,
} from '@tensorflow/tfjs-core';

export interface RangeInitializerConfig {
  min: number;
  max: number;
}

export class RangeInitializer extends serialization.Serializable {
  static className = 'ClipqRangeInitializer';
  readonly min: number;
  readonly max: number;

  constructor(config: RangeInitializerConfig) {
    super();
    util.assert(
      Number.isFinite(config.min) &&
        Number.isFinite(config.max) &&
        config.min <= 0 &&
        config.max >= 0 &&
        config.min < config.max,
      () =>
        `rangeInitializer: need finite min ≤ 0 ≤ max with min < max, got [${config.min}, ${config.max}]`,
    );
    this.min = config.min;
    this.max = config.max;
  }

  apply(shape: number[], _dtype?: DataType): Tensor {
    return tidy(() => stack([fill(shape.slice(1), this.min), fill(shape.slice(1), this.max)]));
  }

  getConfig(): serialization.ConfigDict {
    return { min: this.min, max: this.max };
  }
}
serialization.registerClass(RangeInitializer);
