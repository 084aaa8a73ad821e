// Packing for the int8 matmul (see mat_mul_int8.ts for the layouts): B once per weight into int8
// panels, A per call into i16 pairs of (a − aZeroPoint), plus the code-range scan used to check that
// the int32 fast path is exact.

export const PANEL: i32 = 8;

/**
 * True when B's last panel is a half panel: N % 8 in 1..4 leaves at most 4 columns, which are stored
 * 4 wide (8 bytes per k-pair) instead of padded to 8 (a 10-unit dense layer: 1.2 bytes per weight, not 1.6).
 */
@inline
export function halfLastPanel(N: i32): bool {
  const rest = N & (PANEL - 1);
  return rest != 0 && rest <= 4;
}

/** Full (8-column) panels of B; a half panel, if any, follows them. */
@inline
export function fullPanels(N: i32): i32 {
  return halfLastPanel(N) ? N >> 3 : (N + PANEL - 1) >> 3;
}

/**
 * The byte offset of code (k, n) in the panels (k-pairs of `Kp` per panel). A full panel stores each
 * k-pair as 8 little-endian i16 lanes, lane 2j (row k) and 2j+1 (row k+1) holding two columns:
 * 256·b(·, 4+j) + (b(·, j) + 128). So column j < 4 is the low, unsigned byte (offset by 128) and column
 * 4+j the high, signed byte, and one 16-byte load feeds `dot_i16x8_s` twice (see mat_mul_int8.ts). A half
 * panel keeps plain signed pairs [b(k,n) b(k+1,n)] per column.
 */
@inline
export function panelIndex(k: i32, n: i32, N: i32, Kp: i32): usize {
  const p = n >> 3;
  const c = n & 7;
  const h = k & 1;
  if (p == fullPanels(N)) return <usize>(((p * Kp) << 4) + (((k >> 1) * 4 + c) << 1) + h);
  const lane = c < 4 ? (c << 2) : ((c - 4) << 2) + 1;
  return <usize>(((p * Kp) << 4) + ((k >> 1) << 4) + lane + (h << 1));
}

/** True when code (k, n) is stored as an unsigned low byte offset by 128 (columns 0–3 of a full panel). */
@inline
function offsetByte(n: i32, N: i32): bool {
  return (n & 7) < 4 && n >> 3 < fullPanels(N);
}

/** Code (k, n) read back from the panels. */
@inline
export function panelCode(panels: usize, k: i32, n: i32, N: i32, Kp: i32): i32 {
  const at = panels + panelIndex(k, n, N, Kp);
  return offsetByte(n, N) ? <i32>load<u8>(at) - 128 : <i32>load<i8>(at);
}

/**
 * Packs int32 codes B ([K,N], or [N,K] when `transposed`) into int8 panels of 8 columns (layout at
 * panelIndex), the last one 4 wide when that holds every remaining column. Padding codes are 0.
 * Kp = k-pairs (even). The codes must be int8 (the host checks).
 */
export function packB(b: usize, K: i32, N: i32, transposed: i32, Kp: i32, out: usize): void {
  const full = fullPanels(N);
  const panels = full + (halfLastPanel(N) ? 1 : 0);
  for (let p = 0; p < panels; p++) {
    const width = p < full ? PANEL : 4;
    for (let k = 0; k < Kp * 2; k++) {
      for (let n = p * PANEL; n < p * PANEL + width; n++) {
        let v: i32 = 0;
        if (n < N && k < K) v = load<i32>(b + (<usize>(transposed ? n * K + k : k * N + n) << 2));
        store<u8>(out + panelIndex(k, n, N, Kp), <u8>(offsetByte(n, N) ? v + 128 : v));
      }
    }
  }
}

/**
 * The inverse of packB (untransposed): int32 codes [K,N] from the int8 panels, for pinned weights, whose
 * panels are the only copy (`unpack` reads them).
 */
export function unpackB(panels: usize, K: i32, N: i32, Kp: i32, out: usize): void {
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      store<i32>(out + (<usize>(k * N + n) << 2), panelCode(panels, k, n, N, Kp));
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

/** For the drivers that combine several packings: the value `boundsMax()` reports next. */
export function setLastMax(value: i32): void {
  lastMax = value;
}

/**
 * Packs A [M,K] int32 codes as i16 pairs of (a − zeroPoint), rows interleaved by blocks of 4
 * ([Mp/4][Kp][4] i32, Mp = M rounded up to 4, padding rows and k zero), and writes each row's
 * Σ_k (a − zeroPoint) to `rowSums` (Mp i32). Returns the smallest raw code (`boundsMax()` the largest):
 * the host checks them and falls back to the Impl when a − zeroPoint would not fit in int16.
 *
 * 8 k-values of 4 rows per step: subtract, narrow to i16 (the pairs come out in order), then a 4×4
 * transpose of i32 lanes so that each k-pair's 4 rows are one 16-byte store.
 */
export function packA(a: usize, M: i32, K: i32, zeroPoint: i32, Kp: i32, out: usize, rowSums: usize): i32 {
  const zero = i32x4.splat(zeroPoint);
  let lo = i32x4.splat(i32.MAX_VALUE);
  let hi = i32x4.splat(i32.MIN_VALUE);
  const K8 = K & ~7;
  for (let m = 0; m < M; m += 4) {
    const block = out + <usize>(m >> 2) * (<usize>Kp << 4);
    const rows = min(4, M - m);
    let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
    for (let k = 0; k < K8; k += 8) {
      const src = a + (<usize>(m * K + k) << 2);
      const stride = <usize>K << 2;
      let n0 = i32x4.splat(0), n1 = i32x4.splat(0), n2 = i32x4.splat(0), n3 = i32x4.splat(0);
      let v = v128.load(src);
      let w = v128.load(src, 16);
      lo = i32x4.min_s(lo, i32x4.min_s(v, w));
      hi = i32x4.max_s(hi, i32x4.max_s(v, w));
      v = i32x4.sub(v, zero);
      w = i32x4.sub(w, zero);
      s0 = i32x4.add(s0, i32x4.add(v, w));
      n0 = i16x8.narrow_i32x4_s(v, w);
      if (rows > 1) {
        v = v128.load(src + stride);
        w = v128.load(src + stride, 16);
        lo = i32x4.min_s(lo, i32x4.min_s(v, w));
        hi = i32x4.max_s(hi, i32x4.max_s(v, w));
        v = i32x4.sub(v, zero);
        w = i32x4.sub(w, zero);
        s1 = i32x4.add(s1, i32x4.add(v, w));
        n1 = i16x8.narrow_i32x4_s(v, w);
      }
      if (rows > 2) {
        v = v128.load(src + stride * 2);
        w = v128.load(src + stride * 2, 16);
        lo = i32x4.min_s(lo, i32x4.min_s(v, w));
        hi = i32x4.max_s(hi, i32x4.max_s(v, w));
        v = i32x4.sub(v, zero);
        w = i32x4.sub(w, zero);
        s2 = i32x4.add(s2, i32x4.add(v, w));
        n2 = i16x8.narrow_i32x4_s(v, w);
      }
      if (rows > 3) {
        v = v128.load(src + stride * 3);
        w = v128.load(src + stride * 3, 16);
        lo = i32x4.min_s(lo, i32x4.min_s(v, w));
        hi = i32x4.max_s(hi, i32x4.max_s(v, w));
        v = i32x4.sub(v, zero);
        w = i32x4.sub(w, zero);
        s3 = i32x4.add(s3, i32x4.add(v, w));
        n3 = i16x8.narrow_i32x4_s(v, w);
      }
      const t0 = i32x4.shuffle(n0, n1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(n2, n3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(n0, n1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(n2, n3, 2, 6, 3, 7);
      const dst = block + (<usize>(k >> 1) << 4);
      v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
      v128.store(dst, i32x4.shuffle(t0, t1, 2, 3, 6, 7), 16);
      v128.store(dst, i32x4.shuffle(t2, t3, 0, 1, 4, 5), 32);
      v128.store(dst, i32x4.shuffle(t2, t3, 2, 3, 6, 7), 48);
    }
    for (let r = 0; r < 4; r++) {
      const vs = r == 0 ? s0 : r == 1 ? s1 : r == 2 ? s2 : s3;
      let sum = i32x4.extract_lane(vs, 0) + i32x4.extract_lane(vs, 1) + i32x4.extract_lane(vs, 2) + i32x4.extract_lane(vs, 3);
      const row = a + (<usize>((m + r) * K) << 2);
      for (let kp = K8 >> 1; kp < Kp; kp++) {
        const k = kp * 2;
        let first: i32 = 0;
        let second: i32 = 0;
        if (r < rows) {
          if (k < K) {
            const code = load<i32>(row + (<usize>k << 2));
            lo = i32x4.min_s(lo, i32x4.splat(code));
            hi = i32x4.max_s(hi, i32x4.splat(code));
            first = code - zeroPoint;
          }
          if (k + 1 < K) {
            const code = load<i32>(row + (<usize>(k + 1) << 2));
            lo = i32x4.min_s(lo, i32x4.splat(code));
            hi = i32x4.max_s(hi, i32x4.splat(code));
            second = code - zeroPoint;
          }
        }
        sum += first + second;
        store<i32>(block + (<usize>kp << 4) + (<usize>r << 2), (first & 0xffff) | (second << 16));
      }
      store<i32>(rowSums + (<usize>(m + r) << 2), r < rows ? sum : 0);
    }
  }
  lastMax = max(max(i32x4.extract_lane(hi, 0), i32x4.extract_lane(hi, 1)), max(i32x4.extract_lane(hi, 2), i32x4.extract_lane(hi, 3)));
  return min(min(i32x4.extract_lane(lo, 0), i32x4.extract_lane(lo, 1)), min(i32x4.extract_lane(lo, 2), i32x4.extract_lane(lo, 3)));
}
