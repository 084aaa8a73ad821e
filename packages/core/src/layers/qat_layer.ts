/**
 * QatLayer: the shared body of clipq's quantization-aware layers (QatDense, QatConv2D,
 * QatDepthwiseConv2D). Each one holds a float kernel and bias plus two learned ranges:
 *
 * - `weight_range` ([2, C] per output channel, or [2]): the kernel is fake-quantized symmetric and narrow
 *   range with m = max(−min, max), so zero is code 0 and the int8 conversion is exact;
 * - `output_range` ([2]): the output, after the fused activation, is fake-quantized per tensor, asymmetric.
 *
 * Both carry `rangeConstraint()` and, with λ > 0, `rangePenalty(λ)`, so `model.fit` learns them. A converted
 * model uses the same classes with `quantizeWeights: false`: its kernel already holds the dequantized
 * int8 values, which equal the fake-quantized kernel bit for bit, so it computes what the QAT model did.
 */
import {
  abs,
  add,
  max,
  maximum,
  neg,
  reshape,
  type serialization,
  type Tensor,
  tidy,
  zeros,
} from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { RangeGradient, Rounding } from '../kernel_names.js';
import { type FakeQuantOptions, fakeQuant } from '../ops/fake_quant.js';
import { assertBits } from '../ops/validate.js';
import { applyActivation, assertActivation, type QatActivation } from '../qat/activation.js';
import type { RangeObserver } from '../range/observers.js';
import { RangeConstraint } from '../range/range_constraint.js';
import { splitRange } from '../range/range_weight.js';
import { addRangeWeight, type LearnedRange, readRange, writeRange } from './range_variable.js';

export type { LearnedRange } from './range_variable.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

export interface QatLayerArgs extends LayerArgs {
  activation?: QatActivation;
  useBias?: boolean;
  /** Default 8. */
  weightBits?: number;
  /** Default 8. */
  activationBits?: number;
  /** One weight range per output channel (default true) or one per tensor. */
  perChannel?: boolean;
  rangeGradient?: RangeGradient;
  gradScale?: number | 'lsq';
  /** λ of λ·Σ(max − min)² on both ranges; 0 disables it. */
  rangePenalty?: number;
  rounding?: Rounding;
  /** Smallest allowed range width. */
  epsilon?: number;
  /** False in a converted model, whose kernel already holds dequantized codes. Default true. */
  quantizeWeights?: boolean;
  /** Fake-quantize the output. Default true. */
  quantizeOutput?: boolean;
}

export abstract class QatLayer extends tfl.layers.Layer {
  readonly activation: QatActivation;
  readonly useBias: boolean;
  readonly weightBits: number;
  readonly activationBits: number;
  readonly perChannel: boolean;
  readonly rangeGradient: RangeGradient;
  readonly gradScale: number | 'lsq';
  readonly rangePenaltyLambda: number;
  readonly rounding: Rounding;
  readonly epsilon: number;
  readonly quantizeWeights: boolean;
  readonly quantizeOutput: boolean;
  /** Set by `calibrate`: the layer then reports its float output to the observer and skips output fake-quant. */
  observer: RangeObserver | null = null;
  protected kernel: tfl.LayerVariable | null = null;
  protected bias: tfl.LayerVariable | null = null;
  protected weightRange: tfl.LayerVariable | null = null;
  protected outputRange: tfl.LayerVariable | null = null;

  constructor(args: QatLayerArgs) {
    super(args);
    this.activation = args.activation ?? 'linear';
    assertActivation(this.name, this.activation);
    this.useBias = args.useBias ?? true;
    this.weightBits = args.weightBits ?? 8;
    this.activationBits = args.activationBits ?? 8;
    assertBits(`${this.getClassName()} '${this.name}' weightBits`, this.weightBits);
    assertBits(`${this.getClassName()} '${this.name}' activationBits`, this.activationBits);
    this.perChannel = args.perChannel ?? true;
    this.rangeGradient = args.rangeGradient ?? 'full';
    this.gradScale = args.gradScale ?? 1;
    this.rangePenaltyLambda = args.rangePenalty ?? 0;
    this.rounding = args.rounding ?? 'half-up';
    this.epsilon = args.epsilon ?? 1e-4;
    this.quantizeWeights = args.quantizeWeights ?? true;
    this.quantizeOutput = args.quantizeOutput ?? true;
  }

  /** The kernel shape for an input shape (batch dimension included). */
  protected abstract kernelShape(inputShape: tfl.Shape): number[];
  /** Output channels: the size of the kernel's channel axis after `channelKernel`. */
  protected abstract outputChannels(kernelShape: number[]): number;
  /** The linear part (convolution or matmul), without bias. */
  protected abstract linear(x: Tensor, kernel: Tensor): Tensor;

  /**
   * The kernel viewed with its output channels on the last axis (depthwise kernels reshape
   * [kh, kw, in, multiplier] to [kh, kw, in·multiplier]); identity for Dense and Conv2D.
   */
  channelKernel(kernel: Tensor): Tensor {
    return kernel;
  }
  /** Inverse of `channelKernel`. */
  unchannelKernel(kernel: Tensor): Tensor {
    return kernel;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const kernelShape = this.kernelShape(shape);
    const channels = this.outputChannels(kernelShape);
    const zeros = tfl.initializers.zeros();
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', zeros);
    if (this.useBias) this.bias = this.addWeight('bias', [channels], 'float32', zeros);
    const ranges = { epsilon: this.epsilon, rangePenalty: this.rangePenaltyLambda };
    if (this.quantizeWeights) {
      const shape = this.perChannel ? [2, channels] : [2];
      this.weightRange = addRangeWeight(this, 'weight_range', shape, [-1, 1], ranges);
    }
    if (this.quantizeOutput)
      this.outputRange = addRangeWeight(this, 'output_range', [2], [-6, 6], ranges);
    this.built = true;
  }

  /** Set once the float kernel is released (`releaseKernel`): computes the kernel on demand. */
  private kernelSource: (() => Tensor) | null = null;

  /**
   * Frees the float kernel of a converted layer (`quantizeWeights: false`): from then on the layer
   * computes it on demand with `source` (the dequantized int8 codes), so a packed QuantizedModel keeps
   * no float copy of its weights. Irreversible; the kernel becomes read-only.
   */
  releaseKernel(source: () => Tensor): void {
    this.assertBuilt();
    if (this.quantizeWeights)
      throw new Error(
        `${this.getClassName()} '${this.name}': only a converted layer (quantizeWeights: false) can release its kernel`,
      );
    if (this.kernelSource) return;
    this.kernel!.dispose();
    this.kernelSource = source;
  }

  /** The float kernel: the variable, or after `releaseKernel` a new tensor (the caller disposes it). */
  private readKernel(): Tensor {
    return this.kernelSource ? this.kernelSource() : this.kernel!.read();
  }

  override getWeights(trainableOnly = false): Tensor[] {
    if (!this.kernelSource) return super.getWeights(trainableOnly);
    const weights = trainableOnly ? this.trainableWeights : this.weights;
    return weights.map((w) => (w === this.kernel ? this.readKernel() : w.read()));
  }

  override setWeights(weights: Tensor[]): void {
    if (this.kernelSource)
      throw new Error(
        `${this.getClassName()} '${this.name}': the kernel was released to packed int8 codes (QuantizedModel.pack); the weights are read-only`,
      );
    super.setWeights(weights);
  }

  protected override disposeWeights(): number {
    if (!this.kernelSource) return super.disposeWeights();
    const rest = this.weights.filter((w) => w !== this.kernel);
    for (const w of rest) w.dispose();
    return rest.length;
  }

  /** The kernel as the forward pass uses it: fake-quantized symmetric, narrow range. */
  quantizedKernel(): Tensor {
    return tidy(() => {
      const kernel = this.readKernel();
      if (!this.weightRange) return kernel;
      const { min, max } = splitRange(this.projected(this.weightRange));
      const m = maximum(neg(min), max);
      const options: FakeQuantOptions = {
        bits: this.weightBits,
        narrowRange: true,
        rangeGradient: this.rangeGradient,
        gradScale: this.gradScale,
        rounding: this.rounding,
      };
      if (this.perChannel) options.axis = -1;
      return this.unchannelKernel(fakeQuant(this.channelKernel(kernel), neg(m), m, options));
    });
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      let y = this.linear(x, this.quantizedKernel());
      if (this.bias) y = add(y, this.bias.read());
      y = applyActivation(this.activation, y);
      if (this.observer) {
        this.observer.update(y);
        return y;
      }
      if (!this.outputRange) return y;
      const { min, max } = splitRange(this.projected(this.outputRange));
      return fakeQuant(y, min, max, {
        bits: this.activationBits,
        rangeGradient: this.rangeGradient,
        gradScale: this.gradScale,
        rounding: this.rounding,
      });
    });
  }

  /**
   * The range with its constraint applied: tfjs-layers never constrains after an optimizer step (see
   * `enforceRangeConstraints`), so the forward pass projects too and always sees a valid range.
   */
  private projected(range: tfl.LayerVariable): Tensor {
    return new RangeConstraint({ epsilon: this.epsilon }).apply(range.read());
  }

  private assertBuilt(): void {
    if (!this.built)
      throw new Error(`${this.getClassName()} '${this.name}': the layer is not built yet`);
  }

  /** The learned weight range (per channel when `perChannel`), or null when weights are not quantized. */
  getWeightRange(): LearnedRange | null {
    this.assertBuilt();
    return this.weightRange ? readRange(this.weightRange) : null;
  }

  setWeightRange(min: ArrayLike<number>, max: ArrayLike<number>): void {
    this.assertBuilt();
    if (!this.weightRange)
      throw new Error(`${this.getClassName()} '${this.name}': weights are not quantized`);
    writeRange(this.weightRange, min, max, this.name);
  }

  /** The learned output (activation) range, or null when the output is not quantized. */
  getOutputRange(): LearnedRange | null {
    this.assertBuilt();
    return this.outputRange ? readRange(this.outputRange) : null;
  }

  setOutputRange(min: number, max: number): void {
    this.assertBuilt();
    if (!this.outputRange)
      throw new Error(`${this.getClassName()} '${this.name}': the output is not quantized`);
    writeRange(this.outputRange, [min], [max], this.name);
  }

  /** The float kernel and bias (null without bias); after `releaseKernel` the kernel is a new tensor. */
  getKernelAndBias(): { kernel: Tensor; bias: Tensor | null } {
    this.assertBuilt();
    return { kernel: this.readKernel(), bias: this.bias ? this.bias.read() : null };
  }

  /** Overwrites the float kernel and bias (a layer without bias ignores a bias of zeros only). */
  setKernelAndBias(kernel: Tensor, bias: Tensor | null): void {
    this.assertBuilt();
    if (this.kernelSource) this.setWeights([]); // throws: read-only
    this.kernel!.write(kernel);
    if (this.bias) this.bias.write(bias ?? zeros(this.bias.shape as number[]));
    else if (bias && tidy(() => max(abs(bias)).dataSync()[0]!) > 0) {
      throw new Error(
        `${this.getClassName()} '${this.name}': the layer has no bias, but a non-zero bias was given`,
      );
    }
  }

  /** Sets the weight range to the kernel's symmetric extremes ±max|w| (per channel when `perChannel`). */
  initWeightRange(): void {
    const extremes = tidy(() => {
      const channels = this.channelKernel(this.readKernel());
      const flat = reshape(abs(channels), [-1, channels.shape[channels.rank - 1]!]);
      return (this.perChannel ? max(flat, 0) : reshape(max(flat), [1])).dataSync() as Float32Array;
    });
    const m = Float32Array.from(extremes, (v) => Math.max(v, this.epsilon));
    this.setWeightRange(
      m.map((v) => -v),
      m,
    );
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      activation: this.activation,
      useBias: this.useBias,
      weightBits: this.weightBits,
      activationBits: this.activationBits,
      perChannel: this.perChannel,
      rangeGradient: this.rangeGradient,
      gradScale: this.gradScale,
      rangePenalty: this.rangePenaltyLambda,
      rounding: this.rounding,
      epsilon: this.epsilon,
      quantizeWeights: this.quantizeWeights,
      quantizeOutput: this.quantizeOutput,
    };
  }
}
