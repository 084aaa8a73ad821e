// The fused epilogue of the int8 kernels: exact int32 accumulators → act(f32(f32(f32(acc)·m) + bias)),
// in the order of core's requantizeOutputImpl, then optionally the fused requantization to the next
// layer's codes (core's requantizeCodeImpl), in which case the 4-byte outputs are int32 codes.
import { PANEL } from './pack';

// Epilogue parameters, set by `setEpilogue` before each matmul (module globals, not memory).
let epZeroPoints: usize = 0; // i32 [Np]: bZeroPoint per column, padded; 0 when they are all 0
let epMultipliers: usize = 0; // f32 [Np]: f32(aScale·bScale[n])
let epBias: usize = 0; // f32 [Np], or 0 for no bias
let epActivation: i32 = 0; // 0 linear, 1 relu, 2 relu6
export let epScratch: usize = 0; // 64 bytes for partial panels, then Kp·32 bytes for the widened panel

// Fused requantization (RequantizeAttrs), set by `setRequantize` (after `setEpilogue`: the clamp
// bounds fold the activation in); rqOn = 0: float32 output. Vectors are kept splatted.
let rqOn: i32 = 0;
let rqScaleIsZero: i32 = 0;
let rqLow: v128 = f32x4.splat(0); // clamp(activation's lower bound, nudgedMin, nudgedMax)
let rqHigh: v128 = f32x4.splat(0); // clamp(activation's upper bound, nudgedMin, nudgedMax)
let rqNudgedMin: v128 = f32x4.splat(0);
let rqScale: v128 = f32x4.splat(0);
let rqOffset: v128 = i32x4.splat(0); // codeMin − bits of 2^23 (see indexToCode)
let rqZeroCode: v128 = i32x4.splat(0);
let epMayBeNaN: i32 = 1; // 0 when every multiplier and bias is finite and |multiplier| < 2^96

/**
 * on = 0 turns requantization off. Values are float32 (the host passes Math.fround'ed numbers).
 * The activation and the clamp to [nudgedMin, nudgedMax] are one clamp: for a ≤ b and c ≤ d,
 * clamp(clamp(v, a, b), c, d) = clamp(v, clamp(a, c, d), clamp(b, c, d)), also when the ranges do not
 * overlap (both bounds then meet at c or at d); NaN stays NaN either way.
 */
export function setRequantize(on: i32, nudgedMin: f32, nudgedMax: f32, scale: f32, codeMin: i32, zeroCode: i32): void {
  rqOn = on;
  rqScaleIsZero = scale == 0 ? 1 : 0;
  const low: f32 = epActivation ? 0 : -Infinity;
  const high: f32 = epActivation == 2 ? 6 : Infinity;
  rqLow = f32x4.splat(min(max(low, nudgedMin), nudgedMax));
  rqHigh = f32x4.splat(min(max(high, nudgedMin), nudgedMax));
  rqNudgedMin = f32x4.splat(nudgedMin);
  rqScale = f32x4.splat(scale);
  rqOffset = i32x4.splat(codeMin - 0x4b000000);
  rqZeroCode = i32x4.splat(zeroCode);
}

const HALF = f32x4.splat(0.5);
const MAGIC = f32x4.splat(8388608);

/**
 * requantizeCodeImpl on 4 lanes of the value before the activation: floor(f32(f32(f32(clamp(v) −
 * nudgedMin) / scale) + 0.5)) + codeMin, zeroCode for NaN (and for scale 0). Every SIMD step is one
 * IEEE float32 operation, like the host's Math.fround of each step. pmax/pmin differ from Math.max/min
 * only in the sign of a zero (which the + 0.5 erases) and keep NaN; `indexToCode` (fake_quant.ts)
 * converts the floored index.
 */
@inline
function requantize(v: v128): v128 {
  if (rqScaleIsZero) return rqZeroCode;
  const clamped = f32x4.pmin(f32x4.pmax(v, rqLow), rqHigh);
  const index = f32x4.floor(f32x4.add(f32x4.div(f32x4.sub(clamped, rqNudgedMin), rqScale), HALF));
  const code = i32x4.add(f32x4.add(index, MAGIC), rqOffset);
  return epMayBeNaN ? v128.bitselect(rqZeroCode, code, f32x4.ne(v, v)) : code;
}

export function setEpilogue(zeroPoints: usize, multipliers: usize, bias: usize, activation: i32, scratch: usize): void {
  epZeroPoints = zeroPoints;
  epMultipliers = multipliers;
  epBias = bias;
  epActivation = activation;
  epScratch = scratch;
}

/** act(f32(f32(f32(acc)·multiplier) + bias)) for 4 columns starting at `n` (then requantized if set). */
@inline
export function finish(acc: v128, rowSum: v128, n: i32): v128 {
  const column = <usize>n << 2;
  // epZeroPoints = 0 when every bZeroPoint is 0 (symmetric weights): no correction to make.
  if (!epZeroPoints) return finishNoZeroPoint(acc, n);
  return finishNoZeroPoint(i32x4.sub(acc, i32x4.mul(v128.load(epZeroPoints + column), rowSum)), n);
}

/** `finish` for accumulators that need no bZeroPoint·Σa' correction (exact already). */
@inline
export function finishNoZeroPoint(exact: v128, n: i32): v128 {
  const column = <usize>n << 2;
  let v = f32x4.mul(f32x4.convert_i32x4_s(exact), v128.load(epMultipliers + column));
  if (epBias) v = f32x4.add(v, v128.load(epBias + column));
  // applyActivation's Math.max(v, 0) and Math.min(…, 6): f32x4.max/min share their NaN and ±0 rules.
  if (rqOn) return requantize(v); // the activation is folded into its clamp
  if (epActivation) {
    v = f32x4.max(v, f32x4.splat(0));
    if (epActivation == 2) v = f32x4.min(v, f32x4.splat(6));
  }
  return v;
}

/** Stores 4 finished outputs (float32 values or int32 codes: both 4 bytes). */
@inline
export function storeFinished(dst: usize, v: v128): void {
  v128.store(dst, v);
}

/** Stores one row's 8 finished columns at `n`, only the `N − n` valid ones in a partial panel. */
@inline
export function storeRow(out: usize, N: i32, n: i32, acc0: v128, acc1: v128, rowSum: i32): void {
  const sums = i32x4.splat(rowSum);
  const v0 = finish(acc0, sums, n);
  const v1 = finish(acc1, sums, n + 4);
  const dst = out + (<usize>n << 2);
  if (n + PANEL <= N) {
    v128.store(dst, v0);
    v128.store(dst, v1, 16);
  } else {
    v128.store(epScratch, v0);
    v128.store(epScratch, v1, 16);
    for (let j = 0; j < N - n; j++) store<i32>(dst + (<usize>j << 2), load<i32>(epScratch + (<usize>j << 2)));
  }
}


/** 2^96: with |f32(acc)| ≤ 2^31, a finite bias and a multiplier below this give no NaN. */
const MULTIPLIER_LIMIT: f32 = 7.922816251426434e28;

/**
 * Fills the epilogue arrays at `dst` (zero points i32, multipliers f32, bias f32; each `padded` long,
 * zero past N) from the kernel's inputs. `bScales`/`zeroPoints` hold N values, or 1 for per tensor.
 * The multiplier is f32(aScale·bScale[n]): the f64 product, rounded to f32, which is exactly the host's
 * `Math.fround(aScale * bScale[n])` in requantizeOutputImpl. Returns 1 when some zero point is not 0.
 */
export function prepareEpilogue(
  dst: usize, N: i32, padded: i32, aScale: f64,
  bScales: usize, scaleCount: i32, zeroPoints: usize, zeroCount: i32, bias: usize,
): i32 {
  const multipliers = dst + (<usize>padded << 2);
  const biasOut = dst + (<usize>padded << 3);
  // 4 columns per step: the f64 product of two promoted lanes, demoted once, is the scalar
  // `<f32>(aScale * <f64>scale)` bit for bit. `ok` keeps, per lane, |bias| < ∞ (false for NaN too) and
  // |multiplier| < 2^96.
  const a = f64x2.splat(aScale);
  const limit = f32x4.splat(MULTIPLIER_LIMIT);
  const infinity = f32x4.splat(Infinity);
  let nonZeroLanes = i32x4.splat(0);
  let ok = i32x4.splat(-1);
  const N4 = N & ~3;
  let n = 0;
  for (; n < N4; n += 4) {
    const column = <usize>n << 2;
    const scales = scaleCount == 1 ? v128.load32_splat(bScales) : v128.load(bScales + column);
    const zero = zeroCount == 1 ? v128.load32_splat(zeroPoints) : v128.load(zeroPoints + column);
    const low = f32x4.demote_f64x2_zero(f64x2.mul(a, f64x2.promote_low_f32x4(scales)));
    const high = f32x4.demote_f64x2_zero(
      f64x2.mul(a, f64x2.promote_low_f32x4(i32x4.shuffle(scales, scales, 2, 3, 0, 1))),
    );
    const multiplier = i32x4.shuffle(low, high, 0, 1, 4, 5);
    const biasValues = bias ? v128.load(bias + column) : f32x4.splat(0);
    nonZeroLanes = v128.or(nonZeroLanes, zero);
    ok = v128.and(ok, v128.and(f32x4.lt(f32x4.abs(biasValues), infinity), f32x4.lt(f32x4.abs(multiplier), limit)));
    v128.store(dst + column, zero);
    v128.store(multipliers + column, multiplier);
    v128.store(biasOut + column, biasValues);
  }
  let nonZero = v128.any_true(nonZeroLanes) ? 1 : 0;
  let finite = v128.all_true<i32>(ok);
  for (; n < padded; n++) {
    const column = <usize>n << 2;
    if (n < N) {
      const scale = load<f32>(bScales + (scaleCount == 1 ? 0 : column));
      const zeroPoint = load<i32>(zeroPoints + (zeroCount == 1 ? 0 : column));
      nonZero |= zeroPoint;
      store<i32>(dst + column, zeroPoint);
      const multiplier = <f32>(aScale * <f64>scale);
      const biasValue: f32 = bias ? load<f32>(bias + column) : 0;
      finite = finite && isFinite(biasValue) && abs(multiplier) < MULTIPLIER_LIMIT;
      store<f32>(multipliers + column, multiplier);
      store<f32>(biasOut + column, biasValue);
    } else {
      store<i32>(dst + column, 0);
      store<f32>(multipliers + column, 0);
      store<f32>(biasOut + column, 0);
    }
  }
  // |f32(acc)| ≤ 2^31, so a finite bias and |multiplier| < 2^96 give no NaN (at most ±Infinity).
  epMayBeNaN = finite ? 0 : 1;
  return nonZero != 0 ? 1 : 0;
}
