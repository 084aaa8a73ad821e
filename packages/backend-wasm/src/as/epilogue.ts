// The fused epilogue of the int8 matmul: exact int32 accumulators → act(f32(f32(f32(acc)·m) + bias)),
// in the order of core's requantizeOutputImpl.
import { PANEL } from './pack';

// Epilogue parameters, set by `setEpilogue` before each matmul (module globals, not memory).
let epZeroPoints: usize = 0; // i32 [Np]: bZeroPoint per column, padded
let epMultipliers: usize = 0; // f32 [Np]: f32(aScale·bScale[n])
let epBias: usize = 0; // f32 [Np], or 0 for no bias
let epActivation: i32 = 0; // 0 linear, 1 relu, 2 relu6
export let epScratch: usize = 0; // 64 bytes for partial panels, then Kp·32 bytes for the widened panel

export function setEpilogue(zeroPoints: usize, multipliers: usize, bias: usize, activation: i32, scratch: usize): void {
  epZeroPoints = zeroPoints;
  epMultipliers = multipliers;
  epBias = bias;
  epActivation = activation;
  epScratch = scratch;
}

/** act(f32(f32(f32(acc)·multiplier) + bias)) for 4 columns starting at `n`. */
@inline
export function finish(acc: v128, rowSum: v128, n: i32): v128 {
  const column = <usize>n << 2;
  const exact = i32x4.sub(acc, i32x4.mul(v128.load(epZeroPoints + column), rowSum));
  let v = f32x4.mul(f32x4.convert_i32x4_s(exact), v128.load(epMultipliers + column));
  if (epBias) v = f32x4.add(v, v128.load(epBias + column));
  // applyActivation's Math.max(v, 0) and Math.min(…, 6): f32x4.max/min share their NaN and ±0 rules.
  if (epActivation) {
    v = f32x4.max(v, f32x4.splat(0));
    if (epActivation == 2) v = f32x4.min(v, f32x4.splat(6));
  }
  return v;
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
    for (let j = 0; j < N - n; j++) store<f32>(dst + (<usize>j << 2), load<f32>(epScratch + (<usize>j << 2)));
  }
}


/**
 * Fills the epilogue arrays at `dst` (zero points i32, multipliers f32, bias f32; each `padded` long,
 * zero past N) from the kernel's inputs. `bScales`/`zeroPoints` hold N values, or 1 for per tensor.
 * The multiplier is f32(aScale·bScale[n]) with the product in f64, rounded once: exactly the host's
 * `Math.fround(aScale * bScale[n])` in requantizeOutputImpl.
 */
export function prepareEpilogue(
  dst: usize, N: i32, padded: i32, aScale: f64,
  bScales: usize, scaleCount: i32, zeroPoints: usize, zeroCount: i32, bias: usize,
): void {
  const multipliers = dst + (<usize>padded << 2);
  const biasOut = dst + (<usize>padded << 3);
  for (let n = 0; n < padded; n++) {
    const column = <usize>n << 2;
    if (n < N) {
      const scale = load<f32>(bScales + (scaleCount == 1 ? 0 : column));
      store<i32>(dst + column, load<i32>(zeroPoints + (zeroCount == 1 ? 0 : column)));
      store<f32>(multipliers + column, <f32>(aScale * <f64>scale));
      store<f32>(biasOut + column, bias ? load<f32>(bias + column) : 0);
    } else {
      store<i32>(dst + column, 0);
      store<f32>(multipliers + column, 0);
      store<f32>(biasOut + column, 0);
    }
  }
}
