// Fake-quant backward on SIMD128, identical to core's fakeQuantGradImpl: dx is vectorized, while the
// per-channel sums (below, above and the 'full' rounding term) are float64 and accumulated in the
// Impl's element order, because reordering a float64 sum can change its last bit.
import { at, fakeQuantVector } from './fake_quant';

/** One lane's float64 contribution to each sum, with the Impl's if / else-if order (below wins). */
@inline
function below(x: f32, g: f32, nMin: f32): f64 {
  return select<f64>(<f64>g, 0, x < nMin);
}
@inline
function above(x: f32, g: f32, nMin: f32, nMax: f32): f64 {
  return select<f64>(<f64>g, 0, x > nMax && !(x < nMin));
}
@inline
function rounding(x: f32, g: f32, y: f32, nMin: f32, nMax: f32): f64 {
  return select<f64>(<f64>g * (<f64>y - <f64>x), 0, !(x < nMin) && !(x > nMax));
}

/** dx for 4 values: dy inside [nMin, nMax] (NaN x counts as inside, as in the Impl), else +0. */
@inline
function dxVector(x: v128, g: v128, nMin: v128, nMax: v128): v128 {
  return v128.andnot(g, v128.or(f32x4.lt(x, nMin), f32x4.gt(x, nMax)));
}

/** Adds one element's contributions to the channel's sums in memory (f64 [3][channels]). */
@inline
function accumulate(sums: usize, c: i32, channels: i32, x: f32, g: f32, y: f32, nMin: f32, nMax: f32): void {
  const b = sums + (<usize>c << 3);
  const a = b + (<usize>channels << 3);
  const r = a + (<usize>channels << 3);
  store<f64>(b, load<f64>(b) + below(x, g, nMin));
  store<f64>(a, load<f64>(a) + above(x, g, nMin, nMax));
  store<f64>(r, load<f64>(r) + rounding(x, g, y, nMin, nMax));
}

/**
 * Writes dx and adds each channel's sums to `sums` (f64: below[C], above[C], rounding[C], zeroed by the
 * host). With `full` false the rounding sums stay 0, as in the Impl.
 */
export function fakeQuantGrad(
  dy: usize, x: usize, dx: usize, outer: i32, channels: i32, inner: i32,
  nMins: usize, nMaxs: usize, scales: usize, halfEven: bool, full: bool, sums: usize,
): void {
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const mn = load<f32>(at(nMins, c));
      const mx = load<f32>(at(nMaxs, c));
      const nMin = f32x4.splat(mn);
      const nMax = f32x4.splat(mx);
      const scale = v128.load32_splat(at(scales, c));
      const sB = sums + (<usize>c << 3);
      const sA = sB + (<usize>channels << 3);
      const sR = sA + (<usize>channels << 3);
      let b = load<f64>(sB);
      let a = load<f64>(sA);
      let r = load<f64>(sR);
      let j = 0;
      for (; j + 4 <= inner; j += 4, i += 4) {
        const xv = v128.load(at(x, i));
        const gv = v128.load(at(dy, i));
        v128.store(at(dx, i), dxVector(xv, gv, nMin, nMax));
        const x0 = f32x4.extract_lane(xv, 0), x1 = f32x4.extract_lane(xv, 1);
        const x2 = f32x4.extract_lane(xv, 2), x3 = f32x4.extract_lane(xv, 3);
        const g0 = f32x4.extract_lane(gv, 0), g1 = f32x4.extract_lane(gv, 1);
        const g2 = f32x4.extract_lane(gv, 2), g3 = f32x4.extract_lane(gv, 3);
        b = b + below(x0, g0, mn) + below(x1, g1, mn);
        b = b + below(x2, g2, mn) + below(x3, g3, mn);
        a = a + above(x0, g0, mn, mx) + above(x1, g1, mn, mx);
        a = a + above(x2, g2, mn, mx) + above(x3, g3, mn, mx);
        if (full) {
          const yv = fakeQuantVector(xv, nMin, nMax, scale, halfEven);
          r = r + rounding(x0, g0, f32x4.extract_lane(yv, 0), mn, mx) + rounding(x1, g1, f32x4.extract_lane(yv, 1), mn, mx);
          r = r + rounding(x2, g2, f32x4.extract_lane(yv, 2), mn, mx) + rounding(x3, g3, f32x4.extract_lane(yv, 3), mn, mx);
        }
      }
      store<f64>(sB, b);
      store<f64>(sA, a);
      store<f64>(sR, r);
      for (; j < inner; j++, i++) {
        const xv = v128.load32_splat(at(x, i));
        const gv = v128.load32_splat(at(dy, i));
        store<f32>(at(dx, i), f32x4.extract_lane(dxVector(xv, gv, nMin, nMax), 0));
        const y = full ? f32x4.extract_lane(fakeQuantVector(xv, nMin, nMax, scale, halfEven), 0) : 0;
        const xs = f32x4.extract_lane(xv, 0);
        const gs = f32x4.extract_lane(gv, 0);
        if (full) accumulate(sums, c, channels, xs, gs, y, mn, mx);
        else accumulate(sums, c, channels, xs, gs, xs, mn, mx);
      }
    }
  }
}
