/**
 * Σ_k a[m,k]·b[k,n] over raw int8 codes for M > 4, two output columns per float64 multiply.
 *
 * Why: scalar JS has one integer multiplier but two float64 multiply and add pipes, and a float64 holds
 * integers exactly up to 2^53. Two columns b1, b2 are packed into one operand b1 + b2·2^26; one multiply
 * and one add then advance both sums. Within a depth block of at most 1024 steps the low sum L lies in
 * [−16256·1024, 16384·1024] ⊂ [−2^25, 2^25), so the high sum is floor((acc + 2^25) / 2^26) and
 * L = acc − high·2^26, and every intermediate stays an integer below 2^51: no bit is ever lost.
 * Zero points are folded in later from row and column sums, so only raw codes are multiplied here.
 *
 * Blocking (GotoBLAS style): per depth block of 256, B's block is unpacked once into float64 pairs
 * (4 pairs per panel, 8 KB, stays in L1 while every row tile uses it) and A's rows, 128 at a time,
 * into 4-row tiles; the register tile is 4 rows × 4 pairs (16 accumulators = 4×8 outputs). Memory
 * stays bounded for any M (an im2col convolution has M in the tens of thousands).
 */
import { PAIR_SHIFT, PAIRS_PER_PANEL, TILE_ROWS, tile } from './gemm_tile.js';
import { PANEL_WIDTH, type PackedWeights, panelCount } from './packed_weights.js';

/** Depth steps between unpacking the pairs; must stay ≤ 1024 for exactness (see above). */
export const DEPTH_BLOCK = 256;

/** Rows per outer block: A's packed block and the accumulators stay small (≤ 256 KB) for any M. */
const ROW_BLOCK = 128;
/** Row tiles that share one pass over a B panel (32 rows × 256 depth × 8 B = 64 KB of A, in L2). */
const ROW_TILE_BLOCK = 8;

/**
 * With several row blocks, B is unpacked once per call for all of K when its float64 pairs take at most
 * this many bytes; otherwise once per row block and depth block, right before use (then it is still in
 * L2, which is faster when there is a single row block).
 */
const UNPACK_ALL_BYTES = 4 * 2 ** 20;

/** Receives the raw sums of rows [rowStart, rowStart + rows): row m at raw[(m − rowStart)·rowStride]. */
export type RawRowsSink = (
  raw: Float64Array,
  rowStart: number,
  rows: number,
  rowStride: number,
) => void;

let aScratch = new Float64Array(0);
let bScratch = new Float64Array(0);
let rawScratch = new Float64Array(0);

function scratch(current: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  return current.length >= length ? current : new Float64Array(length);
}

/** B's depth block [k0, k0+depth) as float64 pairs from `base`: bTiles[base + (p·depth + kk)·4 + pair]. */
function unpackWeightBlock(
  weights: PackedWeights,
  k0: number,
  depth: number,
  bTiles: Float64Array,
  base: number,
): void {
  const { words, K, fullPanels } = weights;
  for (let p = 0; p < fullPanels; p++) {
    let w = (p * K + k0) * 2;
    let d = base + p * depth * PAIRS_PER_PANEL;
    for (let kk = 0; kk < depth; kk++, w += 2, d += PAIRS_PER_PANEL) {
      const lo = words[w];
      const hi = words[w + 1];
      bTiles[d] = ((lo << 24) >> 24) + ((lo << 16) >> 24) * PAIR_SHIFT;
      bTiles[d + 1] = ((lo << 8) >> 24) + (lo >> 24) * PAIR_SHIFT;
      bTiles[d + 2] = ((hi << 24) >> 24) + ((hi << 16) >> 24) * PAIR_SHIFT;
      bTiles[d + 3] = ((hi << 8) >> 24) + (hi >> 24) * PAIR_SHIFT;
    }
  }
  const { tail, tailWidth } = weights;
  if (tailWidth === 0) return;
  // The tail (last N mod 8 columns, stored tight) as one more panel, its missing columns 0.
  const code = (k: number, j: number) => (j < tailWidth ? tail[k * tailWidth + j]! : 0);
  let d = base + fullPanels * depth * PAIRS_PER_PANEL;
  for (let k = k0; k < k0 + depth; k++, d += PAIRS_PER_PANEL) {
    for (let pair = 0; pair < PAIRS_PER_PANEL; pair++) {
      bTiles[d + pair] = code(k, 2 * pair) + code(k, 2 * pair + 1) * PAIR_SHIFT;
    }
  }
}

/**
 * Where the GEMM reads A from: `pack` writes rows [m0, m0+rows) of A's depth block [k0, k0+depth) as
 * 4-row tiles, aTiles[t·depth·4 + kk·4 + i] = a[m0 + 4t + i, k0 + kk], with zero rows past `rows`.
 * A matrix in memory is one source; a convolution's image patches (implicit im2col) are another.
 */
export interface RowSource {
  M: number;
  K: number;
  pack(m0: number, rows: number, k0: number, depth: number, aTiles: Float64Array): void;
}

/** A [M,K] row-major matrix of codes (already checked to be int8) as a RowSource. */
class MatrixRows implements RowSource {
  constructor(
    private readonly a: Int32Array,
    readonly M: number,
    readonly K: number,
  ) {}

  pack(m0: number, rows: number, k0: number, depth: number, aTiles: Float64Array): void {
    const { a, K } = this;
    const tiles = Math.ceil(rows / TILE_ROWS);
    for (let t = 0; t < tiles; t++) {
      for (let i = 0; i < TILE_ROWS; i++) {
        const m = t * TILE_ROWS + i;
        let d = t * depth * TILE_ROWS + i;
        if (m >= rows) {
          for (let kk = 0; kk < depth; kk++, d += TILE_ROWS) aTiles[d] = 0;
          continue;
        }
        const src = (m0 + m) * K + k0;
        for (let kk = 0; kk < depth; kk++, d += TILE_ROWS) aTiles[d] = a[src + kk];
      }
    }
  }
}

export function matrixRows(a: Int32Array, M: number, K: number): RowSource {
  return new MatrixRows(a, M, K);
}

/**
 * Computes the raw sums block by block of at most 128 rows and hands each block to `sink` (the buffer
 * is reused for the next block). A's codes must already be checked to be int8.
 */
export function gemmPackedPairs(
  source: RowSource,
  weights: PackedWeights,
  sink: RawRowsSink,
): void {
  const { M } = source;
  const { K } = weights;
  const panels = panelCount(weights.N);
  const paddedN = panels * PANEL_WIDTH;
  const maxDepth = Math.min(DEPTH_BLOCK, K);
  const blockRows = Math.min(ROW_BLOCK, Math.ceil(M / TILE_ROWS) * TILE_ROWS);
  const unpackAll = K <= DEPTH_BLOCK || (M > ROW_BLOCK && K * paddedN * 4 <= UNPACK_ALL_BYTES);
  aScratch = scratch(aScratch, blockRows * maxDepth);
  bScratch = scratch(bScratch, panels * (unpackAll ? K : maxDepth) * PAIRS_PER_PANEL);
  rawScratch = scratch(rawScratch, blockRows * paddedN);
  const aTiles = aScratch;
  const bTiles = bScratch;
  const raw = rawScratch;
  /** Where depth block k0 starts in bTiles. */
  const blockBase = (k0: number) => (unpackAll ? k0 * panels * PAIRS_PER_PANEL : 0);
  if (unpackAll) {
    for (let k0 = 0; k0 < K; k0 += DEPTH_BLOCK) {
      unpackWeightBlock(weights, k0, Math.min(DEPTH_BLOCK, K - k0), bTiles, blockBase(k0));
    }
  }
  for (let m0 = 0; m0 < M; m0 += ROW_BLOCK) {
    const rows = Math.min(ROW_BLOCK, M - m0);
    const rowTiles = Math.ceil(rows / TILE_ROWS);
    raw.fill(0, 0, rowTiles * TILE_ROWS * paddedN);
    for (let k0 = 0; k0 < K; k0 += DEPTH_BLOCK) {
      const depth = Math.min(DEPTH_BLOCK, K - k0);
      const bBase = blockBase(k0);
      if (!unpackAll) unpackWeightBlock(weights, k0, depth, bTiles, bBase);
      source.pack(m0, rows, k0, depth, aTiles);
      for (let t0 = 0; t0 < rowTiles; t0 += ROW_TILE_BLOCK) {
        const tEnd = Math.min(rowTiles, t0 + ROW_TILE_BLOCK);
        for (let p = 0; p < panels; p++) {
          const bStart = bBase + p * depth * PAIRS_PER_PANEL;
          for (let t = t0; t < tEnd; t++) {
            const o = t * TILE_ROWS * paddedN + p * PANEL_WIDTH;
            tile(aTiles, t * depth * TILE_ROWS, bTiles, bStart, depth, raw, o, paddedN);
          }
        }
      }
    }
    sink(raw, m0, rows, paddedN);
  }
}
