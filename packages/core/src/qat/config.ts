/** The QAT configuration shared by prepareQat, quantizeModel and the QAT layers. */
import type { RangeGradient } from '../kernel_names.js';
import { assertBits } from '../ops/validate.js';

export interface QatConfig {
  /** Weight bits (symmetric, narrow range). Default 8. */
  weightBits?: number;
  /** Activation bits (asymmetric, per tensor). Default 8. */
  activationBits?: number;
  /** One weight range per output channel. Default true. */
  perChannel?: boolean;
  /** 'full' (default): ranges learn from rounding error too; 'clip': TensorFlow's clipped-only gradient. */
  rangeGradient?: RangeGradient;
  /** Multiplies range gradients; 'lsq' = 1/√(N·qmax). Default 1. */
  gradScale?: number | 'lsq';
  /** λ of the range penalty λ·Σ(max − min)² on every range. Default 0. */
  rangePenalty?: number;
  /** Layer names to keep in float (copied unchanged, weights included). */
  skip?: string[];
  /** Fake-quantize each model input with a learned per-tensor range. Default true. */
  quantizeInputs?: boolean;
}

export type ResolvedQatConfig = Required<QatConfig>;

export function resolveQatConfig(config: QatConfig = {}): ResolvedQatConfig {
  const resolved: ResolvedQatConfig = {
    weightBits: config.weightBits ?? 8,
    activationBits: config.activationBits ?? 8,
    perChannel: config.perChannel ?? true,
    rangeGradient: config.rangeGradient ?? 'full',
    gradScale: config.gradScale ?? 1,
    rangePenalty: config.rangePenalty ?? 0,
    skip: config.skip ?? [],
    quantizeInputs: config.quantizeInputs ?? true,
  };
  assertBits('prepareQat: weightBits', resolved.weightBits);
  assertBits('prepareQat: activationBits', resolved.activationBits);
  if (!(Number.isFinite(resolved.rangePenalty) && resolved.rangePenalty >= 0)) {
    throw new Error(
      `prepareQat: rangePenalty must be a finite number ≥ 0, got ${resolved.rangePenalty}`,
    );
  }
  return resolved;
}
