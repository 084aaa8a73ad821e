// Exact int8 matmul on WebAssembly SIMD128 (AssemblyScript).
//
// B is packed once per weight into int8 panels of 8 columns, 16 bytes per pair of rows (k, k+1). Read
// as 8 i16 lanes, lane 2j (row k) and 2j+1 (row k+1) each hold two codes: 256·b(·, 4+j) + (b(·, j) + 128)
// (pack.ts, panelIndex). When N % 8 is 1..4 the last panel is 4 columns wide, plain signed pairs
// [b(k,n) b(k+1,n)] (8 bytes per k-pair): every kernel treats it separately. The weights stay int8 in
// memory (1 byte per parameter).
//
// GEMV (M ≤ 4, gemv.ts) reads those lanes directly, two dots per 16-byte load.
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
export function storeTile(
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
