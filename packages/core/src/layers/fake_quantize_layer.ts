/**
 * FakeQuantize: a tfjs-layers layer that fake-quantizes its input with a learned range. The range is one
 * trainable weight ([2], or [2, C] per channel: row 0 = min, row 1 = max) with `rangeConstraint()` and an
 * optional `rangePenalty(λ)` regularizer, so `model.fit` learns it and the penalty shrinks it.
 * Registered with tfjs serialization: models that contain it save, load and keep training.
 *
 * tfjs-layers does not apply constraints after optimizer steps, so `call` also projects the range
 * through the constraint (an identity for valid ranges) and training should pass
 * `enforceRangeConstraints()` as a callback to keep the weight itself valid after every step.
 */
import { serialization, type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { RangeGradient, Rounding } from '../kernel_names.js';
import { type FakeQuantOptions, fakeQuant } from '../ops/fake_quant.js';
import { assertBits } from '../ops/validate.js';
import type { RangeObserver } from '../range/observers.js';
import { RangeConstraint } from '../range/range_constraint.js';
import { RangePenalty } from '../range/range_penalty.js';
import { splitRange } from '../range/range_weight.js';
import { RangeInitializer } from './range_initializer.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface FakeQuantizeArgs extends LayerArgs {
  /** Default 8. */
  bits?: number;
  narrowRange?: boolean;
  /** Per-channel axis (e.g. -1); omit for one range per tensor. */
  axis?: number | null;
  /** Initial [min, max]. Default [-1, 1]; `calibrate` usually overwrites it. */
  initialRange?: [number, number];
  /** λ of the range penalty λ·Σ(max − min)²; 0 disables it. */
  rangePenalty?: number;
  rangeGradient?: RangeGradient;
  gradScale?: number | 'lsq';
  rounding?: Rounding;
  /** Smallest allowed range width. */
  epsilon?: number;
}

export class FakeQuantize extends tfl.layers.Layer {
  static className = 'ClipqFakeQuantize';
  readonly bits: number;
  readonly narrowRange: boolean;
  readonly axis: number | null;
  readonly initialRange: [number, number];
  readonly rangePenaltyLambda: number;
  readonly rangeGradient: RangeGradient;
  readonly gradScale: number | 'lsq';
  readonly rounding: Rounding;
  readonly epsilon: number;
  /** Set by `calibrate`: the layer then reports its input to the observer and passes it through. */
  observer: RangeObserver | null = null;
  private range: tfl.LayerVariable | null = null;

  constructor(args: FakeQuantizeArgs = {}) {
    super(args);
    this.bits = args.bits ?? 8;
    assertBits(`FakeQuantize '${this.name}'`, this.bits);
    this.narrowRange = args.narrowRange ?? false;
    this.axis = args.axis ?? null;
    this.initialRange = args.initialRange ?? [-1, 1];
    this.rangePenaltyLambda = args.rangePenalty ?? 0;
    this.rangeGradient = args.rangeGradient ?? 'full';
    this.gradScale = args.gradScale ?? 1;
    this.rounding = args.rounding ?? 'half-up';
    this.epsilon = args.epsilon ?? 1e-4;
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    let rangeShape = [2];
    if (this.axis !== null) {
      const axis = this.axis < 0 ? this.axis + shape.length : this.axis;
      const channels = shape[axis];
      if (channels == null) {
        throw new Error(
          `FakeQuantize '${this.name}': per-channel axis ${this.axis} has unknown size in [${shape}]`,
        );
      }
      rangeShape = [2, channels];
    }
    this.range = this.addWeight(
      'range',
      rangeShape,
      'float32',
      new RangeInitializer({ min: this.initialRange[0], max: this.initialRange[1] }) as never,
      this.rangePenaltyLambda > 0
        ? (new RangePenalty({ lambda: this.rangePenaltyLambda }) as never)
        : undefined,
      true,
      new RangeConstraint({ epsilon: this.epsilon }) as never,
    );
    this.built = true;
  }

  /** The current [min, max] (per channel when `axis` is set). */
  getRange(): { min: Float32Array; max: Float32Array } {
    if (!this.range) throw new Error(`FakeQuantize '${this.name}': the layer is not built yet`);
    const values = this.range.read().dataSync() as Float32Array;
    const half = values.length / 2;
    return { min: values.slice(0, half), max: values.slice(half) };
  }

  /** Overwrites the range (e.g. from calibration). */
  setRange(min: ArrayLike<number>, max: ArrayLike<number>): void {
    if (!this.range) throw new Error(`FakeQuantize '${this.name}': the layer is not built yet`);
    const values = Float32Array.from([...Array.from(min), ...Array.from(max)]);
    const shape = this.range.shape as number[];
    if (values.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(
        `FakeQuantize '${this.name}': setRange needs ${shape[1] ?? 1} min and max values, got ${min.length} and ${max.length}`,
      );
    }
    // write() applies the range constraint, so a calibrated range always contains 0.
    tidy(() => {
      this.range!.write(tensor(values, shape));
    });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (this.observer) {
        this.observer.update(x);
        return x;
      }
      const range = new RangeConstraint({ epsilon: this.epsilon }).apply(this.range!.read());
      const { min, max } = splitRange(range);
      const options: FakeQuantOptions = {
        bits: this.bits,
        narrowRange: this.narrowRange,
        rangeGradient: this.rangeGradient,
        gradScale: this.gradScale,
        rounding: this.rounding,
      };
      if (this.axis !== null) options.axis = this.axis;
      return fakeQuant(x, min, max, options);
    });
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      bits: this.bits,
      narrowRange: this.narrowRange,
      axis: this.axis,
      initialRange: this.initialRange,
      rangePenalty: this.rangePenaltyLambda,
      rangeGradient: this.rangeGradient,
      gradScale: this.gradScale,
      rounding: this.rounding,
      epsilon: this.epsilon,
    };
  }
}
serialization.registerClass(FakeQuantize);
