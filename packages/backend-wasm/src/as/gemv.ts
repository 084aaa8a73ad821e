// Exact int8 GEMV (M ≤ 4) on WebAssembly SIMD128, on the weight panels of mat_mul_int8.ts / pack.ts.
//
// It multiplies the raw lanes directly: with x = (a'_k, a'_k+1) splat, `dot_i16x8_s(x, raw)`
// accumulates T = 256·H + L + 128·Σa' per lane, and `dot_i16x8_s(x, raw >> 8)` accumulates H, the high
// columns, exactly; the low columns are L = T − 256·H − 128·Σa'. T itself wraps (|T| reaches ~3.4e10 at
// K = 4096), which is harmless: every step (dot, add, shift, subtract) is a ring operation mod 2^32, so
// L and H come out exact whenever the true accumulators fit int32, which is what the host checks. That
// is 1 load, 1 shift and 2 dots per 16 weights instead of 2 widening loads and 2 dots: the raw GEMV runs
// at 75–85 GOP/s at 1×1024×1024, against ~60–65 before (bench `raw_kernel_gops`; A/B at load 3–6: 58–61
// against 68–72).
// A is packed as for the GEMM (one block of 4 rows, see mat_mul_int8.ts).

import { storeRow } from './epilogue';
import { storeTile } from './mat_mul_int8';
import { fullPanels, halfLastPanel, PANEL } from './pack';

/** Columns 0–3 of a full panel from the GEMV sums: T − 256·H − 128·Σa' (`offsetSum` = 128·Σa' splat). */
@inline
function lowColumns(t: v128, h: v128, offsetSum: v128): v128 {
  return i32x4.sub(i32x4.sub(t, i32x4.shl(h, 8)), offsetSum);
}

/** 128·Σ(a − aZeroPoint) of row `m` of a packed block, splat: the low bytes' offset times the row sum. */
@inline
function offsetSumOf(rowSums: usize, m: i32): v128 {
  return i32x4.splat(load<i32>(rowSums + (<usize>m << 2)) << 7);
}

/**
 * GEMV for 2 ≤ M ≤ 4 (one block of 4 rows): a 4×8 tile on the raw int8 lanes (T and H sums per row,
 * see the top of this file), so B is read once, 1 byte per weight, with no scratch copy.
 */
export function gemvRows(aPacked: usize, rowSums: usize, M: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const full = fullPanels(N);
  const panelBytes = <usize>Kp << 4;
  const outStride = <usize>N << 2;
  for (let p = 0; p < full; p++) {
    let t0 = i32x4.splat(0), h0 = i32x4.splat(0);
    let t1 = i32x4.splat(0), h1 = i32x4.splat(0);
    let t2 = i32x4.splat(0), h2 = i32x4.splat(0);
    let t3 = i32x4.splat(0), h3 = i32x4.splat(0);
    let a = aPacked;
    const aEnd = a + panelBytes;
    let b = bPacked + <usize>p * panelBytes;
    while (a < aEnd) {
      const raw = v128.load(b);
      const high = i16x8.shr_s(raw, 8);
      let x = v128.load32_splat(a);
      t0 = i32x4.add(t0, i32x4.dot_i16x8_s(x, raw));
      h0 = i32x4.add(h0, i32x4.dot_i16x8_s(x, high));
      x = v128.load32_splat(a, 4);
      t1 = i32x4.add(t1, i32x4.dot_i16x8_s(x, raw));
      h1 = i32x4.add(h1, i32x4.dot_i16x8_s(x, high));
      x = v128.load32_splat(a, 8);
      t2 = i32x4.add(t2, i32x4.dot_i16x8_s(x, raw));
      h2 = i32x4.add(h2, i32x4.dot_i16x8_s(x, high));
      x = v128.load32_splat(a, 12);
      t3 = i32x4.add(t3, i32x4.dot_i16x8_s(x, raw));
      h3 = i32x4.add(h3, i32x4.dot_i16x8_s(x, high));
      a += 16;
      b += 16;
    }
    storeTile(
      out, outStride, rowSums, M, N, 0, p * PANEL,
      lowColumns(t0, h0, offsetSumOf(rowSums, 0)), h0,
      lowColumns(t1, h1, offsetSumOf(rowSums, 1)), h1,
      lowColumns(t2, h2, offsetSumOf(rowSums, 2)), h2,
      lowColumns(t3, h3, offsetSumOf(rowSums, 3)), h3,
    );
  }
  if (!halfLastPanel(N)) return;
  // The half panel: 4 columns, one int8 vector per k-pair.
  const zero = i32x4.splat(0);
  let c00 = zero, c10 = zero, c20 = zero, c30 = zero;
  let a = aPacked;
  const aEnd = a + panelBytes;
  let b = bPacked + <usize>full * panelBytes;
  while (a < aEnd) {
    const b0 = v128.load8x8_s(b);
    c00 = i32x4.add(c00, i32x4.dot_i16x8_s(v128.load32_splat(a), b0));
    c10 = i32x4.add(c10, i32x4.dot_i16x8_s(v128.load32_splat(a, 4), b0));
    c20 = i32x4.add(c20, i32x4.dot_i16x8_s(v128.load32_splat(a, 8), b0));
    c30 = i32x4.add(c30, i32x4.dot_i16x8_s(v128.load32_splat(a, 12), b0));
    a += 16;
    b += 8;
  }
  storeTile(out, outStride, rowSums, M, N, 0, full * PANEL, c00, zero, c10, zero, c20, zero, c30, zero);
}

/**
 * One row (M = 1): a 1×16 tile (two panels, T and H sums each) and two k-pairs per step, reading int8
 * weights directly. µop-bound. With widening loads, 1×24 with one k-pair per step measured 5–10% slower
 * and 1×32 ~40% slower (V8 runs out of xmm registers and spills inside the loop). Kp is even.
 */
export function gemv(aPacked: usize, rowSum: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const full = fullPanels(N);
  const panelBytes = <usize>Kp << 4;
  const offsetSum = i32x4.splat(rowSum << 7);
  let p = 0;
  for (; p + 2 <= full; p += 2) {
    let t0 = i32x4.splat(0), h0 = i32x4.splat(0), t1 = i32x4.splat(0), h1 = i32x4.splat(0);
    let a = aPacked;
    let b = bPacked + <usize>p * panelBytes;
    const end = b + panelBytes;
    while (b < end) {
      let x = v128.load32_splat(a);
      let r0 = v128.load(b);
      let r1 = v128.load(b + panelBytes);
      t0 = i32x4.add(t0, i32x4.dot_i16x8_s(x, r0));
      h0 = i32x4.add(h0, i32x4.dot_i16x8_s(x, i16x8.shr_s(r0, 8)));
      t1 = i32x4.add(t1, i32x4.dot_i16x8_s(x, r1));
      h1 = i32x4.add(h1, i32x4.dot_i16x8_s(x, i16x8.shr_s(r1, 8)));
      x = v128.load32_splat(a, 16);
      r0 = v128.load(b, 16);
      r1 = v128.load(b + panelBytes, 16);
      t0 = i32x4.add(t0, i32x4.dot_i16x8_s(x, r0));
      h0 = i32x4.add(h0, i32x4.dot_i16x8_s(x, i16x8.shr_s(r0, 8)));
      t1 = i32x4.add(t1, i32x4.dot_i16x8_s(x, r1));
      h1 = i32x4.add(h1, i32x4.dot_i16x8_s(x, i16x8.shr_s(r1, 8)));
      a += 32;
      b += 32;
    }
    const n = p * PANEL;
    storeRow(out, N, n + 0, lowColumns(t0, h0, offsetSum), h0, rowSum);
    storeRow(out, N, n + 8, lowColumns(t1, h1, offsetSum), h1, rowSum);
  }
  for (; p < full; p++) {
    let t0 = i32x4.splat(0), h0 = i32x4.splat(0);
    let a = aPacked;
    let b = bPacked + <usize>p * panelBytes;
    const end = b + panelBytes;
    while (b < end) {
      const x = v128.load32_splat(a);
      const raw = v128.load(b);
      t0 = i32x4.add(t0, i32x4.dot_i16x8_s(x, raw));
      h0 = i32x4.add(h0, i32x4.dot_i16x8_s(x, i16x8.shr_s(raw, 8)));
      a += 16;
      b += 16;
    }
    storeRow(out, N, p * PANEL, lowColumns(t0, h0, offsetSum), h0, rowSum);
  }
  if (!halfLastPanel(N)) return;
  // The half panel: 4 columns, one int8 vector per k-pair.
  let c0 = i32x4.splat(0);
  let a = aPacked;
  let b = bPacked + <usize>full * panelBytes;
  const end = b + (panelBytes >> 1);
  while (b < end) {
    c0 = i32x4.add(c0, i32x4.dot_i16x8_s(v128.load32_splat(a), v128.load8x8_s(b)));
    a += 16;
    b += 8;
  }
  storeRow(out, N, full * PANEL, c0, i32x4.splat(0), rowSum);
}
