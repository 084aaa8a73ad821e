/** Small deterministic generators shared by the tests. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random int8 codes where about a third of the entries sit on the edges −128 and 127. */
export function edgeHeavyCodes(r: () => number, size: number): Int32Array {
  return Int32Array.from({ length: size }, () => {
    const u = r();
    if (u < 0.17) return -128;
    if (u < 0.34) return 127;
    return -128 + Math.floor(r() * 256);
  });
}

/** Index of the first entry whose bits differ (Object.is), or -1. */
export function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < actual.length; i++) if (!Object.is(actual[i], expected[i])) return i;
  return -1;
}
