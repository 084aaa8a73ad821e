// Exact int8 matmul on WebAssembly SIMD128 (AssemblyScript).
//
// B is packed once per weight into int8 panels of 8 columns. Inside a panel, each pair of rows
// (k, k+1) takes 16 bytes: [b(k,n0) b(k+1,n0) b(k,n1) b(k+1,n1) … b(k+1,n7)]. `v128.load8x8_s` widens
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

const PANEL: i32 = 8;

/** Packs int32 codes B ([K,N], or [N,K] when `transposed`) into int8 panels. Kp = k-pairs (even). */
export function packB(b: usize, K: i32, N: i32, transposed: i32, Kp: i32, out: usize): void {
  const panels = (N + PANEL - 1) / PANEL;
  let o = out;
  for (let p = 0; p < panels; p++) {
    for (let kp = 0; kp < Kp; kp++) {
      for (let j = 0; j < PANEL; j++) {
        const n = p * PANEL + j;
        for (let h = 0; h < 2; h++) {
          const k = kp * 2 + h;
          let v: i32 = 0;
          if (n < N && k < K) {
            const index = transposed ? n * K + k : k * N + n;
            v = load<i32>(b + (<usize>index << 2));
          }
          store<i8>(o, <i8>v);
          o++;
        }
      }
    }
  }
}

/** The smallest and largest int32 code in [ptr, ptr + 4·count), packed as (max << 32) | (min & mask). */
export function codeBounds(ptr: usize, count: i32): i64 {
  let lo = i32x4.splat(i32.MAX_VALUE);
  let hi = i32x4.splat(i32.MIN_VALUE);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const v = v128.load(ptr + (<usize>i << 2));
    lo = i32x4.min_s(lo, v);
    hi = i32x4.max_s(hi, v);
  }
  let mn = min(min(i32x4.extract_lane(lo, 0), i32x4.extract_lane(lo, 1)), min(i32x4.extract_lane(lo, 2), i32x4.extract_lane(lo, 3)));
  let mx = max(max(i32x4.extract_lane(hi, 0), i32x4.extract_lane(hi, 1)), max(i32x4.extract_lane(hi, 2), i32x4.extract_lane(hi, 3)));
  for (; i < count; i++) {
    const v = load<i32>(ptr + (<usize>i << 2));
    mn = min(mn, v);
    mx = max(mx, v);
  }
  return (<i64>mx << 32) | (<i64>mn & 0xffffffff);
}

/**
 * Packs A [M,K] int32 codes as i16 pairs of (a − zeroPoint) into [Mp, Kp] i32 (Mp = M rounded up to 4),
 * and writes each row's Σ_k (a − zeroPoint) to `rowSums` (Mp i32). The caller has checked that every
 * a − zeroPoint fits in int16.
 */
export function packA(a: usize, M: i32, K: i32, zeroPoint: i32, Kp: i32, out: usize, rowSums: usize): void {
  const Mp = (M + 3) & ~3;
  for (let m = 0; m < Mp; m++) {
    let sum: i32 = 0;
    const row = a + (<usize>(m * K) << 2);
    const dst = out + (<usize>((m >> 2) * Kp) << 4) + (<usize>(m & 3) << 2);
    for (let kp = 0; kp < Kp; kp++) {
      const k = kp * 2;
      let lo: i32 = 0;
      let hi: i32 = 0;
      if (m < M) {
        if (k < K) lo = load<i32>(row + (<usize>k << 2)) - zeroPoint;
        if (k + 1 < K) hi = load<i32>(row + (<usize>(k + 1) << 2)) - zeroPoint;
      }
      sum += lo + hi;
      store<i32>(dst + (<usize>kp << 4), (lo & 0xffff) | (hi << 16));
    }
    store<i32>(rowSums + (<usize>m << 2), sum);
  }
}

// Epilogue parameters, set by `setEpilogue` before each matmul (module globals, not memory).
let epZeroPoints: usize = 0; // i32 [Np]: bZeroPoint per column, padded
let epMultipliers: usize = 0; // f32 [Np]: f32(aScale·bScale[n])
let epBias: usize = 0; // f32 [Np], or 0 for no bias
let epActivation: i32 = 0; // 0 linear, 1 relu, 2 relu6
let epScratch: usize = 0; // 64 bytes for partial panels, then Kp·32 bytes for the widened panel

export function setEpilogue(zeroPoints: usize, multipliers: usize, bias: usize, activation: i32, scratch: usize): void {
  epZeroPoints = zeroPoints;
  epMultipliers = multipliers;
  epBias = bias;
  epActivation = activation;
  epScratch = scratch;
}

/** act(f32(f32(f32(acc)·multiplier) + bias)) for 4 columns starting at `n`. */
@inline
function finish(acc: v128, rowSum: v128, n: i32): v128 {
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
function storeRow(out: usize, N: i32, n: i32, acc0: v128, acc1: v128, rowSum: i32): void {
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
 * out[M,N] = epilogue(A'·B) for M > 4. Register tile: 4 rows × 8 columns (8 i32x4 accumulators, 2 B
 * vectors, 1 splat: 11 of x64's 16 xmm registers). A 2× unrolled loop measured slower: V8 hoists all
 * the loads and spills accumulators. Panels are the outer loop; each is widened to int16 once into
 * `epScratch + 64`, stays in L1, and every block of 4 rows streams past it.
 */
export function gemm(aPacked: usize, rowSums: usize, M: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const panels = (N + PANEL - 1) / PANEL;
  const aStride = <usize>Kp << 2;
  const panelBytes = <usize>Kp << 4;
  const outStride = <usize>N << 2;
  const wide = epScratch + 64;
  for (let p = 0; p < panels; p++) {
    const panel = bPacked + <usize>p * panelBytes;
    for (let j: usize = 0; j < panelBytes; j += 16) {
      v128.store(wide + (j << 1), v128.load8x8_s(panel + j));
      v128.store(wide + (j << 1), v128.load8x8_s(panel + j, 8), 16);
    }
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
  const panels = (N + PANEL - 1) / PANEL;
  const panelBytes = <usize>Kp << 4;
  const outStride = <usize>N << 2;
  for (let p = 0; p < panels; p++) {
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
}

/**
 * One row (M = 1): 1 × 32 tile over four panels at a time, sharing each A splat. Memory-bound, so the
 * point is reading int8 weights once, with enough independent accumulators to hide latency.
 */
export function gemv(aPacked: usize, rowSum: i32, Kp: i32, bPacked: usize, N: i32, out: usize): void {
  const panels = (N + PANEL - 1) / PANEL;
  const panelBytes = <usize>Kp << 4;
  let p = 0;
  for (; p + 4 <= panels; p += 4) {
    let c0 = i32x4.splat(0), c1 = i32x4.splat(0), c2 = i32x4.splat(0), c3 = i32x4.splat(0);
    let c4 = i32x4.splat(0), c5 = i32x4.splat(0), c6 = i32x4.splat(0), c7 = i32x4.splat(0);
    let a = aPacked;
    let b = bPacked + <usize>p * panelBytes;
    const end = b + panelBytes;
    while (b < end) {
      const x = v128.load32_splat(a);
      c0 = i32x4.add(c0, i32x4.dot_i16x8_s(x, v128.load8x8_s(b)));
      c1 = i32x4.add(c1, i32x4.dot_i16x8_s(x, v128.load8x8_s(b, 8)));
      c2 = i32x4.add(c2, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes)));
      c3 = i32x4.add(c3, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes, 8)));
      c4 = i32x4.add(c4, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes * 2)));
      c5 = i32x4.add(c5, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes * 2, 8)));
      c6 = i32x4.add(c6, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes * 3)));
      c7 = i32x4.add(c7, i32x4.dot_i16x8_s(x, v128.load8x8_s(b + panelBytes * 3, 8)));
      a += 16;
      b += 16;
    }
    const n = p * PANEL;
    storeRow(out, N, n, c0, c1, rowSum);
    storeRow(out, N, n + 8, c2, c3, rowSum);
    storeRow(out, N, n + 16, c4, c5, rowSum);
    storeRow(out, N, n + 24, c6, c7, rowSum);
  }
  for (; p < panels; p++) {
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
}
