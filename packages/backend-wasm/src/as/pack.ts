// Packing for the int8 matmul (see mat_mul_int8.ts for the layouts): B once per weight into int8
// panels, A per call into i16 pairs of (a − aZeroPoint), plus the code-range scan used to check that
// the int32 fast path is exact.

export const PANEL: i32 = 8;

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

let lastMax: i32 = 0;

/** The smallest int32 in [ptr, ptr + 4·count); the largest is then returned by `boundsMax()`. */
export function codeBounds(ptr: usize, count: i32): i32 {
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
  lastMax = mx;
  return mn;
}

export function boundsMax(): i32 {
  return lastMax;
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

