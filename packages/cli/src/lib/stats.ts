/** Signal statistics shown in reports and JSON: SQNR, value histograms and ranges. */
import { fakeQuantValue, quantParamsImpl } from '@clipq/core';

/** Signal-to-quantization-noise ratio in dB: 10·log10(Σx² / Σ(x − x̂)²). Infinity when exact. */
export function sqnrDb(reference: ArrayLike<number>, quantized: ArrayLike<number>): number {
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < reference.length; i++) {
    const x = reference[i]!;
    const d = x - quantized[i]!;
    signal += x * x;
    noise += d * d;
  }
  if (noise === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10(signal / noise);
}

export interface Histogram {
  /** Lower edge of the first bin and upper edge of the last. */
  lo: number;
  hi: number;
  counts: number[];
  /** The quantization range marked on the plot. */
  rangeMin: number;
  rangeMax: number;
}

/** A histogram spanning the data and the quantization range, so both are visible. */
export function histogram(
  values: ArrayLike<number>,
  rangeMin: number,
  rangeMax: number,
  bins = 48,
): Histogram {
  let lo = rangeMin;
  let hi = rangeMax;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi <= lo) hi = lo + 1;
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const b = Math.min(bins - 1, Math.floor((values[i]! - lo) / width));
    counts[b]!++;
  }
  return { lo, hi, counts, rangeMin, rangeMax };
}

/** Rounds for JSON output; non-finite values become strings JSON can carry. */
export function roundStat(v: number, digits = 2): number | string {
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : String(v);
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** The extremes of a typed array. */
export function extent(values: ArrayLike<number>): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Fraction of rows (of `rows` equal rows) whose argmax is the same in both arrays. */
export function argmaxAgreement(a: ArrayLike<number>, b: ArrayLike<number>, rows: number): number {
  const width = a.length / rows;
  let same = 0;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let c = 1; c < width; c++) {
      if (a[r * width + c]! > a[r * width + ia]!) ia = c;
      if (b[r * width + c]! > b[r * width + ib]!) ib = c;
    }
    if (ia === ib) same++;
  }
  return same / rows;
}

/** SQNR of per-tensor asymmetric fake-quantization of `values` with the range [min, max]. */
export function activationSqnrDb(
  values: Float32Array,
  min: number,
  max: number,
  bits: number,
): number {
  const params = quantParamsImpl(min, max, bits, false);
  const quantized = values.map((v) => fakeQuantValue(v, params, 'half-up'));
  return sqnrDb(values, quantized);
}
