// Exact int8 matmul on WebAssembly SIMD128 (AssemblyScript).
//
// B is packed once per weight into int8 panels of 8 columns. Inside a panel, each pair of rows
// (k, k+1) takes 16 bytes: [b(k,n0) b(k+1,n0) b(k,n1) b(k+1,n1) … b(k+1,n7)]. When N % 8 is 1..4 the
// last panel is 4 columns wide (8 bytes per k-pair, see pack.ts): every kernel treats it separately. `v128.load8x8_s` widens
// 8 of those bytes into the i16 pairs that `i32x4.dot_i16x8_s` wants, so the weights stay int8 in
// memory (1 byte per parameter). The GEMV path (M ≤ 4) reads them directly; the GEMM path widens one
// panel at a time into an int16 copy in L1 scratch (K·16 bytes), reused by every block of 4 rows,
// which measured ~10% faster than widening in the inner loop.
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
    for (let j: usize = 0; j < panelBytes; j += 16) {
      v128.store(wide + (j << 1), v128.load8x8_s(panel + j));
      v128.store(wide + (j << 1), v128.load8x8_s(panel + j, 8), 16);
    }
  } else {
    for (let j: usize = 0; j < panelBytes >> 1; j += 8) {
      v128.store(wide + (j << 2), v128.load8x8_s(panel + j));
      v128.store(wide + (j << 2), i32x4.splat(0), 16);
    }
  }
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
 * GEMV for 2 ≤ M ≤ 4 (one block of 4 rows): the same 4×8 tile, widening int8 weights in the loop
 * (`load8x8_s`), so B is read once, 1 byte per weight, with no scratch copy.
 */
export function gemvRows(aPacked: usize, rowSums: usize, M: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const full = fullPanels(N);
  const panelBytes = <usize>Kp << 4;
  const outStride = <usize>N << 2;
  for (let p = 0; p < full; p++) {
    let c00 = i32x4.splat(0), c01 = i32x4.splat(0);
    let c10 = i32x4.splat(0), c11 = i32x4.splat(0);
    let c20 = i32x4.splat(0), c21 = i32x4.splat(0);
    let c30 = i32x4.splat(0), c31 = i32x4.splat(0);
    let a = aPacked;
    const aEnd = a + panelBytes;
    let b = bPacked + <usize>p * panelBytes;
    while (a < aEnd) {
      let x = v128.load32_splat(a);
      const b0 = v128.load8x8_s(b);
      const b1 = v128.load8x8_s(b, 8);
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
      b += 16;
    }
    storeTile(out, outStride, rowSums, M, N, 0, p * PANEL, c00, c01, c10, c11, c20, c21, c30, c31);
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
 * One row (M = 1): a 1×16 tile (two panels, 4 accumulators) and two k-pairs per step, reading int8
 * weights directly. Memory- and µop-bound. Measured against 1×24 with one k-pair per step (5–10% slower)
 * and 1×32 (V8 runs out of xmm registers and spills inside the loop: ~40% slower). Kp is even.
 */
export function gemv(aPacked: usize, rowSum: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const full = fullPanels(N);
  const panelBytes = <usize>Kp << 4;
  let p = 0;
  for (; p + 2 <= full; p += 2) {
    let c0 = i32x4.splat(0), c1 = i32x4.splat(0), c2 = i32x4.splat(0), c3 = i32x4.splat(0);
    let a = aPacked;
    let b = bPacked + <usize>p * panelBytes;
    const end = b + panelBytes;
    while (b < end) {
      let x = v128.load32_splat(a);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, v128.load8x8_s(b, 0)));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, v128.load8x8_s(b, 8)));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes, 0)));
      c3 = i32x4.add(c3, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes, 8)));
      x = v128.load32_splat(a, 16);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, v128.load8x8_s(b, 16)));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, v128.load8x8_s(b, 24)));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes, 16)));
      c3 = i32x4.add(c3, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes, 24)));
      a += 32;
      b += 32;
    }
    const n = p * PANEL;
    storeRow(out, N, n + 0, c0, c1, rowSum);
    storeRow(out, N, n + 8, c2, c3, rowSum);
  }
  for (; p < full; p++) {
    let c0 = i32x4.splat(0), c1 = i32x4.splat(0);
    let a = aPacked;
    let b = bPacked + <usize>p * panelBytes;
    const end = b + panelBytes;
    while (b < end) {
      const x = v128.load32_splat(a);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, v128.load8x8_s(b)));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, v128.load8x8_s(b, 8)));
      a += 16;
      b += 16;
    }
    storeRow(out, N, p * PANEL, c0, c1, rowSum);
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
