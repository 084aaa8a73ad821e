/** Helpers of the fixture generator: seeded random numbers (the same fixtures on every machine) and byte concatenation. */

/** A seeded generator, so fixtures are the same on every machine. */
export function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function normal(rand) {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function randomArray(count, seed, scale = 1) {
  const rand = random(seed);
  return Float32Array.from({ length: count }, () => normal(rand) * scale);
}

/** Concatenates byte arrays into one ArrayBuffer (weight shards). */
export function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out.buffer;
}
