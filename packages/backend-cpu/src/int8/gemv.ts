/**
 * Σ_k a[m,k]·b[k,n] over raw codes for few rows (M ≤ 4): every weight is used once per row, so the cost
 * is reading B. Codes come in two int32 words per depth step and are sign-extended with shifts, which
 * was 1.3x faster than eight Int8Array loads. Sums are JS numbers: exact, as |Σ| ≤ 2^14·K.
 */
import { PANEL_WIDTH, type PackedWeights } from './packed_weights.js';

/** Writes row `row` of the raw sums into `out` ([rows, paddedN] row-major) from `a` (a float64 row). */
export function gemvRow(
  a: Float64Array,
  weights: PackedWeights,
  out: Float64Array,
  outOffset: number,
): void {
  const { words, K, fullPanels } = weights;
  for (let p = 0; p < fullPanels; p++) {
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let c5 = 0;
    let c6 = 0;
    let c7 = 0;
    let w = p * K * 2;
    for (let k = 0; k < K; k++, w += 2) {
      const x = a[k];
      const lo = words[w];
      const hi = words[w + 1];
      c0 += x * ((lo << 24) >> 24);
      c1 += x * ((lo << 16) >> 24);
      c2 += x * ((lo << 8) >> 24);
      c3 += x * (lo >> 24);
      c4 += x * ((hi << 24) >> 24);
      c5 += x * ((hi << 16) >> 24);
      c6 += x * ((hi << 8) >> 24);
      c7 += x * (hi >> 24);
    }
    const o = outOffset + p * PANEL_WIDTH;
    out[o] = c0;
    out[o + 1] = c1;
    out[o + 2] = c2;
    out[o + 3] = c3;
    out[o + 4] = c4;
    out[o + 5] = c5;
    out[o + 6] = c6;
    out[o + 7] = c7;
  }
  if (weights.tailWidth > 0) gemvTail(a, weights, out, outOffset + fullPanels * PANEL_WIDTH);
}

/** The tail's sums (the last N mod 8 columns, stored tight), bytewise; the panel's padding gets 0. */
function gemvTail(a: Float64Array, weights: PackedWeights, out: Float64Array, o: number): void {
  const { tail, tailWidth, K } = weights;
  for (let j = 0; j < PANEL_WIDTH; j++) {
    let c = 0;
    if (j < tailWidth) for (let k = 0; k < K; k++) c += a[k]! * tail[k * tailWidth + j]!;
    out[o + j] = c;
  }
}
