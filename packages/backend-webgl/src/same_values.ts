/** Bitwise equality of two small arrays (an upload is skipped when the values did not change). */
export function sameValues(
  a: Float32Array | Int32Array | undefined,
  b: Float32Array | Int32Array,
): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
