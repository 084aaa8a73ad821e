/**
 * Range observers: they watch real data (calibration batches) and return an initial [min, max] per
 * tensor or per channel. Every observed range contains 0 (min ≤ 0 ≤ max), as the nudge and
 * `rangeConstraint` require.
 *
 * - `minMax()`: the extremes seen.
 * - `ema(momentum)`: an exponential moving average of each batch's extremes (TF's QAT default).
 * - `percentile(p)`: the p-th / (100−p)-th percentiles of each batch, averaged over batches; robust to
 *   outliers.
 * - `mse()`: the range that minimizes the fake-quant mean squared error on the data, by a grid search
 *   over shrunken min/max ranges.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { fakeQuantValue } from '../impl/fake_quant_impl.js';
import { channelLayout } from '../impl/layout.js';
import { quantParamsImpl } from '../impl/quant_params_impl.js';
import { assertBits, normalizeAxis } from '../ops/validate.js';

export interface ObservedRange {
  min: Float32Array;
  max: Float32Array;
  /** The channel axis, or null for a per-tensor range. */
  axis: number | null;
}

export interface RangeObserver {
  readonly method: string;
  /** Reads the batch back (dataSync) and updates the running range. */
  update(x: Tensor): void;
  /** The range so far. Throws if no data was observed. */
  result(): ObservedRange;
  reset(): void;
}

export interface ObserverOptions {
  /** Per-channel axis; omit (or null) for one range over the whole tensor. */
  axis?: number | null;
}

/** Splits a batch into per-channel value lists (one list when per tensor). */
function channelValues(x: Tensor, axisOption: number | null | undefined, method: string) {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`${method}: observed tensors must be numeric, got dtype ${x.dtype}`);
  }
  if (x.size === 0)
    throw new Error(`${method}: cannot observe an empty tensor (shape [${x.shape}])`);
  const axis = axisOption == null ? null : normalizeAxis(method, axisOption, x.rank);
  const layout = channelLayout(x.shape, axis !== null, axis ?? 0);
  const data = x.dataSync();
  const perChannel = data.length / layout.channels;
  const out = Array.from({ length: layout.channels }, () => new Float32Array(perChannel));
  const fill = new Int32Array(layout.channels);
  let i = 0;
  for (let o = 0; o < layout.outer; o++) {
    for (let c = 0; c < layout.channels; c++) {
      const row = out[c]!;
      for (let j = 0; j < layout.inner; j++) row[fill[c]!++] = data[i++]!;
    }
  }
  return { axis, channels: out };
}

function extremes(values: Float32Array, method: string): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new Error(`${method}: observed a non-finite value ${v}`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Shared bookkeeping: a running per-channel [min, max] and its axis. */
abstract class BaseObserver implements RangeObserver {
  abstract readonly method: string;
  protected lo: Float64Array | null = null;
  protected hi: Float64Array | null = null;
  protected axis: number | null = null;
  protected batches = 0;

  constructor(protected readonly options: ObserverOptions) {}

  update(x: Tensor): void {
    const { axis, channels } = channelValues(x, this.options.axis, this.method);
    if (this.lo && this.lo.length !== channels.length) {
      throw new Error(
        `${this.method}: channel count changed between batches (${this.lo.length} → ${channels.length})`,
      );
    }
    this.axis = axis;
    this.lo ??= new Float64Array(channels.length);
    this.hi ??= new Float64Array(channels.length);
    for (let c = 0; c < channels.length; c++) this.observe(c, channels[c]!);
    this.batches++;
  }

  protected abstract observe(channel: number, values: Float32Array): void;

  result(): ObservedRange {
    if (!this.lo || !this.hi) throw new Error(`${this.method}: no data was observed`);
    return { min: Float32Array.from(this.lo), max: Float32Array.from(this.hi), axis: this.axis };
  }

  reset(): void {
    this.lo = null;
    this.hi = null;
    this.batches = 0;
  }
}

class MinMaxObserver extends BaseObserver {
  readonly method = 'minMax';
  protected observe(c: number, values: Float32Array): void {
    const [lo, hi] = extremes(values, this.method);
    this.lo![c] = Math.min(this.lo![c]!, lo);
    this.hi![c] = Math.max(this.hi![c]!, hi);
  }
}

class EmaObserver extends BaseObserver {
  readonly method = 'ema';
  constructor(
    private readonly momentum: number,
    options: ObserverOptions,
  ) {
    super(options);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new Error(`ema: momentum must be in [0, 1), got ${momentum}`);
    }
  }
  protected observe(c: number, values: Float32Array): void {
    const [lo, hi] = extremes(values, this.method);
    const m = this.batches === 0 ? 0 : this.momentum;
    this.lo![c] = m * this.lo![c]! + (1 - m) * lo;
    this.hi![c] = m * this.hi![c]! + (1 - m) * hi;
  }
}

class PercentileObserver extends BaseObserver {
  readonly method = 'percentile';
  constructor(
    private readonly p: number,
    options: ObserverOptions,
  ) {
    super(options);
    if (!(p > 50 && p <= 100)) throw new Error(`percentile: p must be in (50, 100], got ${p}`);
  }
  protected observe(c: number, values: Float32Array): void {
    extremes(values, this.method);
    const sorted = Float32Array.from(values).sort();
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
    const lo = Math.min(0, at(1 - this.p / 100));
    const hi = Math.max(0, at(this.p / 100));
    // Running mean of the per-batch percentiles.
    const n = this.batches;
    this.lo![c] = (this.lo![c]! * n + lo) / (n + 1);
    this.hi![c] = (this.hi![c]! * n + hi) / (n + 1);
  }
}

export interface MseObserverOptions extends ObserverOptions {
  bits?: number;
  narrowRange?: boolean;
  /** Search symmetric ranges [−m, m] (weights). Default false. */
  symmetric?: boolean;
  /** Candidate shrink factors tried between 1/steps and 1. Default 64. */
  steps?: number;
  /** Samples kept per channel (strided subsample beyond it). Default 65536. */
  maxSamples?: number;
}

class MseObserver extends BaseObserver {
  readonly method = 'mse';
  private samples: Float32Array[][] = [];
  private readonly bits: number;

  constructor(private readonly mseOptions: MseObserverOptions) {
    super(mseOptions);
    this.bits = mseOptions.bits ?? 8;
    assertBits('mse', this.bits);
  }

  protected observe(c: number, values: Float32Array): void {
    const [lo, hi] = extremes(values, this.method);
    this.lo![c] = Math.min(this.lo![c]!, lo);
    this.hi![c] = Math.max(this.hi![c]!, hi);
    this.samples[c] ??= [];
    this.samples[c].push(values);
  }

  override result(): ObservedRange {
    const base = super.result();
    const steps = this.mseOptions.steps ?? 64;
    const maxSamples = this.mseOptions.maxSamples ?? 65536;
    const narrow = this.mseOptions.narrowRange ?? false;
    for (let c = 0; c < base.min.length; c++) {
      const all = concatSubsample(this.samples[c]!, maxSamples);
      let lo = base.min[c]!;
      let hi = base.max[c]!;
      if (this.mseOptions.symmetric) {
        hi = Math.max(-lo, hi);
        lo = -hi;
      }
      let best = [lo, hi];
      let bestErr = Number.POSITIVE_INFINITY;
      for (let s = steps; s >= 1; s--) {
        const a = s / steps;
        const p = quantParamsImpl(lo * a, hi * a, this.bits, narrow);
        let err = 0;
        for (let i = 0; i < all.length; i++) {
          const d = fakeQuantValue(all[i]!, p, 'half-up') - all[i]!;
          err += d * d;
        }
        if (err < bestErr) {
          bestErr = err;
          best = [lo * a, hi * a];
        }
      }
      base.min[c] = best[0]!;
      base.max[c] = best[1]!;
    }
    return base;
  }

  override reset(): void {
    super.reset();
    this.samples = [];
  }
}

function concatSubsample(parts: Float32Array[], maxSamples: number): Float32Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const stride = Math.max(1, Math.ceil(total / maxSamples));
  const out = new Float32Array(Math.ceil(total / stride));
  let k = 0;
  let i = 0;
  for (const part of parts) {
    for (let j = 0; j < part.length; j++, i++) if (i % stride === 0) out[k++] = part[j]!;
  }
  return out.subarray(0, k);
}

export function minMax(options: ObserverOptions = {}): RangeObserver {
  return new MinMaxObserver(options);
}
export function ema(momentum = 0.9, options: ObserverOptions = {}): RangeObserver {
  return new EmaObserver(momentum, options);
}
export function percentile(p = 99.99, options: ObserverOptions = {}): RangeObserver {
  return new PercentileObserver(p, options);
}
export function mse(options: MseObserverOptions = {}): RangeObserver {
  return new MseObserver(options);
}
