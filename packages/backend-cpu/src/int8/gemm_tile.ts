/**
 * The register tile of the packed-pair GEMM: 4 rows of A × 4 packed pairs of B (4×8 outputs) over one
 * depth block, in 16 float64 accumulators, then each packed sum is split into its two exact halves.
 * Measured at about 4.8 G multiply-adds per second in V8 (3×4 and 4×3 tiles ran the same).
 */
import { PANEL_WIDTH } from './packed_weights.js';

/** Two columns per float64 operand: b1 + b2·2^26 (exact for depth blocks ≤ 1024, see gemm_packed_pairs). */
export const PAIR_SHIFT = 2 ** 26;
const INVERSE_SHIFT = 1 / PAIR_SHIFT;
const HALF_SHIFT = 2 ** 25;
/** Rows per register tile. */
export const TILE_ROWS = 4;
export const PAIRS_PER_PANEL = PANEL_WIDTH / 2;

/** Splits a packed pair sum and adds both halves to out[o] and out[o + 1]. */
function addPair(out: Float64Array, o: number, packed: number): void {
  const high = Math.floor((packed + HALF_SHIFT) * INVERSE_SHIFT);
  out[o] += packed - high * PAIR_SHIFT;
  out[o + 1] += high;
}

/** The 4 rows × 4 pairs register tile over one depth block. */
export function tile(
  aTiles: Float64Array,
  aStart: number,
  bTiles: Float64Array,
  bStart: number,
  depth: number,
  out: Float64Array,
  o: number,
  rowStride: number,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0;
  let c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0;
  let c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  const aEnd = aStart + depth * TILE_ROWS;
  for (let ai = aStart, bi = bStart; ai < aEnd; ai += TILE_ROWS, bi += PAIRS_PER_PANEL) {
    const b0 = bTiles[bi];
    const b1 = bTiles[bi + 1];
    const b2 = bTiles[bi + 2];
    const b3 = bTiles[bi + 3];
    let x = aTiles[ai];
    c00 += x * b0;
    c01 += x * b1;
    c02 += x * b2;
    c03 += x * b3;
    x = aTiles[ai + 1];
    c10 += x * b0;
    c11 += x * b1;
    c12 += x * b2;
    c13 += x * b3;
    x = aTiles[ai + 2];
    c20 += x * b0;
    c21 += x * b1;
    c22 += x * b2;
    c23 += x * b3;
    x = aTiles[ai + 3];
    c30 += x * b0;
    c31 += x * b1;
    c32 += x * b2;
    c33 += x * b3;
  }
  addPair(out, o, c00);
  addPair(out, o + 2, c01);
  addPair(out, o + 4, c02);
  addPair(out, o + 6, c03);
  o += rowStride;
  addPair(out, o, c10);
  addPair(out, o + 2, c11);
  addPair(out, o + 4, c12);
  addPair(out, o + 6, c13);
  o += rowStride;
  addPair(out, o, c20);
  addPair(out, o + 2, c21);
  addPair(out, o + 4, c22);
  addPair(out, o + 6, c23);
  o += rowStride;
  addPair(out, o, c30);
  addPair(out, o + 2, c31);
  addPair(out, o + 4, c32);
  addPair(out, o + 6, c33);
}
