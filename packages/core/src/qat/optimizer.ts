/**
 * qatOptimizer: one optimizer for model.fit that steps range weights with their own learning rate.
 *
 * Adam (and RMSProp) are invariant to gradient scale, so LSQ's gradient scaling cannot speed ranges up
 * under them, and a learning rate that suits weights (~1e-4) moves an activation range of width ~10 by
 * at most 1e-4 per step: the range barely learns. Stepping ranges with a separate Adam and a larger
 * learning rate lets them learn during a short fine-tuning.
 */
import {
  type NamedTensorMap,
  Optimizer,
  serialization,
  type Tensor,
  train,
} from '@tensorflow/tfjs-core';

type NamedTensor = { name: string; tensor: Tensor };

export interface QatOptimizerOptions {
  /** Adam learning rate for every non-range weight. Default 1e-4. */
  learningRate?: number;
  /** Adam learning rate for range weights (names ending in 'range'). Default 10 × learningRate. */
  rangeLearningRate?: number;
}

const isRange = (name: string) => /(^|\/)(weight_range|output_range|range)(_\d+)?$/.test(name);

export class QatOptimizer extends Optimizer {
  static className = 'ClipqQatOptimizer';
  readonly learningRate: number;
  readonly rangeLearningRate: number;
  private readonly weights: Optimizer;
  private readonly ranges: Optimizer;

  constructor(options: QatOptimizerOptions = {}) {
    super();
    this.learningRate = options.learningRate ?? 1e-4;
    this.rangeLearningRate = options.rangeLearningRate ?? 10 * this.learningRate;
    for (const [name, value] of [
      ['learningRate', this.learningRate],
      ['rangeLearningRate', this.rangeLearningRate],
    ] as const) {
      if (!(Number.isFinite(value) && value > 0))
        throw new Error(`qatOptimizer: ${name} must be a positive number, got ${value}`);
    }
    this.weights = train.adam(this.learningRate);
    this.ranges = train.adam(this.rangeLearningRate);
  }

  applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
    const list: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const ranges = list.filter((g) => isRange(g.name));
    const others = list.filter((g) => !isRange(g.name));
    if (others.length > 0) this.weights.applyGradients(others);
    if (ranges.length > 0) this.ranges.applyGradients(ranges);
  }

  override dispose(): void {
    this.weights.dispose();
    this.ranges.dispose();
    super.dispose();
  }

  getConfig(): serialization.ConfigDict {
    return { learningRate: this.learningRate, rangeLearningRate: this.rangeLearningRate };
  }

  static override fromConfig<T extends serialization.Serializable>(
    cls: serialization.SerializableConstructor<T>,
    config: serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
serialization.registerClass(QatOptimizer);

export function qatOptimizer(options?: QatOptimizerOptions): QatOptimizer {
  return new QatOptimizer(options);
}
