/**
 * When the int32 fast path is exact. clipq.wasm multiplies i16 (a − aZeroPoint) by int8 codes of b (or,
 * in the GEMV, by i16 lanes that each hold two codes, see src/as/gemv.ts) in int32
 * `dot_i16x8_s` lanes and accumulates with wrap-around, then subtracts bZeroPoint·Σa'. Wrapping int32
 * arithmetic gives the exact result whenever the true accumulator fits in int32, which this bounds:
 * K · max|a − aZeroPoint| · max|b − bZeroPoint| < 2^31, with a − aZeroPoint within int16.
 */
const INT32_LIMIT = 2 ** 31;

interface Bounds {
  min: number;
  max: number;
}

/** `zeroPoints` bounds the B zero points (per tensor or per channel): |b − zb| peaks at the extremes. */
export function int8PathIsExact(
  K: number,
  a: Bounds,
  aZeroPoint: number,
  b: Bounds,
  zeroPoints: Bounds,
): boolean {
  const aAbs = Math.max(Math.abs(a.min - aZeroPoint), Math.abs(a.max - aZeroPoint));
  if (aAbs > 32767) return false;
  const bAbs = Math.max(
    Math.abs(b.max - zeroPoints.min),
    Math.abs(b.min - zeroPoints.max),
    Math.abs(b.max - zeroPoints.max),
    Math.abs(b.min - zeroPoints.min),
  );
  return K * aAbs * bAbs < INT32_LIMIT;
}
