// Exact int8 matmul on WebAssembly SIMD128 (AssemblyScript).
//
// B is packed once per weight into int8 panels of 8 columns, 16 bytes per pair of rows (k, k+1). Read
// as 8 i16 lanes, lane 2j (row k) and 2j+1 (row k+1) each hold two codes: 256·b(·, 4+j) + (b(·, j) + 128)
// (pack.ts, panelIndex). When N % 8 is 1..4 the last panel is 4 columns wide, plain signed pairs
// [b(k,n) b(k+1,n)] (8 bytes per k-pair): every kernel treats it separately. The weights stay int8 in
// memory (1 byte per parameter).
//
// GEMV (M ≤ 4) multiplies the raw lanes directly: with x = (a'_k, a'_k+1) splat, `dot_i16x8_s(x, raw)`
// accumulates T = 256·H + L + 128·Σa' per lane, and `dot_i16x8_s(x, raw >> 8)` accumulates H, the high
// columns, exactly; the low columns are L = T − 256·H − 128·Σa'. T itself wraps (|T| reaches ~3.4e10 at
// K = 4096), which is harmless: every step (dot, add, shift, subtract) is a ring operation mod 2^32, so
// L and H come out exact whenever the true accumulators fit int32, which is what the host checks. That
// is 1 load, 1 shift and 2 dots per 16 weights instead of 2 widening loads and 2 dots: the raw GEMV runs
// at 75–85 GOP/s at 1×1024×1024, against ~60–65 before (bench `raw_kernel_gops`; A/B at load 3–6: 58–61
// against 68–72).
// GEMM widens one panel at a time into an int16 copy in L1 scratch (K·16 bytes, columns 0–3 then 4–7
// per k-pair), reused by every block of 4 rows, which measured ~10% faster than widening in the loop.
//
// A is packed per call as i16 pairs of (a − aZeroPoint), one i32 per k-pair, rows padded to a multiple
// of 4 with zeros and interleaved by blocks of 4 rows ([Mp/4][Kp][4] i32), so the 4 splats of a step
// are one pointer with immediate offsets. With raw int8 codes in B:
//   acc[m,n] = Σ_k a'[m,k]·b[k,n] − bZeroPoint[n]·Σ_k a'[m,k]
// computed in wrapping int32, which is exact whenever the true result fits in int32 (the caller checks).
//
// All pointers are byte offsets into the imported memory. The module has no data segments and no
// stack: every buffer comes from the host's allocator.

import { fullPanels, halfLastPanel, PANEL } from './pack';
import { epScratch, storeRow } from './epilogue';

/** Finishes a 4×8 tile: epilogue and stores of the rows that exist (m < M). */
@inline
function storeTile(
  out: usize, outStride: usize, rowSums: usize, M: i32, N: i32, m: i32, n: i32,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  const row = out + <usize>m * outStride;
  const sums = rowSums + (<usize>m << 2);
  storeRow(row, N, n, c00, c01, load<i32>(sums));
  if (m + 1 < M) storeRow(row + outStride, N, n, c10, c11, load<i32>(sums, 4));
  if (m + 2 < M) storeRow(row + outStride * 2, N, n, c20, c21, load<i32>(sums, 8));
  if (m + 3 < M) storeRow(row + outStride * 3, N, n, c30, c31, load<i32>(sums, 12));
}

/**
 * Widens one int8 panel (`panelBytes` = Kp·16 bytes; a half panel, `full` false, holds half of that)
 * into int16 pairs at `wide` (Kp·32 bytes): per k-pair, columns 0–3 then 4–7 (zero for a half panel,
 * whose outputs past N are not stored).
 */
@inline
export function widenPanel(panel: usize, full: bool, panelBytes: usize, wide: usize): void {
  if (full) {
    const lowByte = i16x8.splat(0xff);
    const offset = i16x8.splat(128);
    for (let j: usize = 0; j < panelBytes; j += 16) {
      const raw = v128.load(panel + j);
      v128.store(wide + (j << 1), i16x8.sub(v128.and(raw, lowByte), offset));
      v128.store(wide + (j << 1), i16x8.shr_s(raw, 8), 16);
    }
  } else {
    for (let j: usize = 0; j < panelBytes >> 1; j += 8) {
      v128.store(wide + (j << 2), v128.load8x8_s(panel + j));
      v128.store(wide + (j << 2), i32x4.splat(0), 16);
    }
  }
}

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
 * out[M,N] = epilogue(A'·B) for M > 4. Register tile: 4 rows × 8 columns (8 i32x4 accumulators, 2 B
 * vectors, 1 splat: 11 of x64's 16 xmm registers). A 2× unrolled loop measured slower: V8 hoists all
 * the loads and spills accumulators. Panels are the outer loop; each is widened to int16 once into
 * `epScratch + 64`, stays in L1, and every block of 4 rows streams past it.
 */
export function gemm(aPacked: usize, rowSums: usize, M: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const full = fullPanels(N);
  const panels = full + (halfLastPanel(N) ? 1 : 0);
  const aStride = <usize>Kp << 2;
  const panelBytes = <usize>Kp << 4;
  const outStride = <usize>N << 2;
  const wide = epScratch + 64;
  for (let p = 0; p < panels; p++) {
    widenPanel(bPacked + <usize>p * panelBytes, p < full, panelBytes, wide);
    for (let m = 0; m < M; m += 4) {
      let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
      let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
      let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
      let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
      let a = aPacked + <usize>m * aStride;
      const aEnd = a + panelBytes;
      let w = wide;
      while (a < aEnd) {
        let x = v128.load32_splat(a);
        const b0 = v128.load(w);
        const b1 = v128.load(w, 16);
        c00 = i32x4.add(c00, i32x4.dot_i16x8_s(x, b0));
        c01 = i32x4.add(c01, i32x4.dot_i16x8_s(x, b1));
        x = v128.load32_splat(a, 4);
        c10 = i32x4.add(c10, i32x4.dot_i16x8_s(x, b0));
        c11 = i32x4.add(c11, i32x4.dot_i16x8_s(x, b1));
        x = v128.load32_splat(a, 8);
        c20 = i32x4.add(c20, i32x4.dot_i16x8_s(x, b0));
        c21 = i32x4.add(c21, i32x4.dot_i16x8_s(x, b1));
        x = v128.load32_splat(a, 12);
        c30 = i32x4.add(c30, i32x4.dot_i16x8_s(x, b0));
        c31 = i32x4.add(c31, i32x4.dot_i16x8_s(x, b1));
        a += 16;
        w += 32;
      }
      storeTile(out, outStride, rowSums, M, N, m, p * PANEL, c00, c01, c10, c11, c20, c21, c30, c31);
    }
  }
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
