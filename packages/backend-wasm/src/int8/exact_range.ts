/**
 * When the int32 fast path is exact. clipq.wasm multiplies i16 (a − aZeroPoint) by int8 b in int32
 * `dot_i16x8_s` lanes and accumulates with wrap-around, then subtracts bZeroPoint·Σa'. Wrapping int32
 * arithmetic gives the exact result whenever the true accumulator fits in int32, which this bounds:
 * K · max|a − aZeroPoint| · max|b − bZeroPoint| < 2^31, with a − aZeroPoint within int16.
 */
const INT32_LIMIT = 2 ** 31;

export function int8PathIsExact(
  K: number,
  a: { min: number; max: number },
  aZeroPoint: number,
  b: { min: number; max: number },
  bZeroPoints: ArrayLike<number>,
): boolean {
  const aAbs = Math.max(Math.abs(a.min - aZeroPoint), Math.abs(a.max - aZeroPoint));
  if (aAbs > 32767) return false;
  let bAbs = 0;
  for (let n = 0; n < bZeroPoints.length; n++) {
    const zb = bZeroPoints[n]!;
    bAbs = Math.max(bAbs, Math.abs(b.min - zb), Math.abs(b.max - zb));
  }
  return K * aAbs * bAbs < INT32_LIMIT;
}
