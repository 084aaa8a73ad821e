/** Tiny assertion helpers for the conformance suite (framework-free: it also runs inside a browser). */

/** The vectors' tolerance: 1e-5 absolute + 1e-5 relative. */
export const TOLERANCE = { absolute: 1e-5, relative: 1e-5 };

export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  tolerance = TOLERANCE,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= tolerance.absolute + tolerance.relative * Math.abs(e))) {
      throw new Error(
        `${what}[${i}]: got ${a}, expected ${e} (tolerance ${tolerance.absolute} + ${tolerance.relative}·|e|)`,
      );
    }
  }
}

/** Bit-for-bit equality (integers, or float32 values that must be identical). */
export function assertExact(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  }
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i]) && actual[i] !== expected[i]) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected exactly ${expected[i]}`);
    }
  }
}

/** A small deterministic PRNG (mulberry32), so every backend sees the same random cases. */
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
