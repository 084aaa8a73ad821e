/**
 * The resident form of an int8 weight matrix B: full column panels of `PANEL_WIDTH` codes, stored as
 * `panels[p][k][j]` (code of column p·8 + j at depth k), then the N mod 8 last columns as a tight
 * `tail[k][j]`, in one Int8Array of exactly K·N bytes (1 byte per parameter: a 10-class Dense layer
 * would cost 1.6 bytes per parameter with its last panel padded to 8 columns). Both matmul paths
 * stream a full panel front to back, 8 codes (two int32 words) per depth step, and read the tail
 * bytewise.
 *
 * The column sums let the kernel multiply raw codes and fold the zero points in afterwards (gemmlowp).
 */

/** Columns per panel. Two int32 words per depth step; also two register tiles of packed pairs. */
export const PANEL_WIDTH = 8;

/** The smallest and largest code an int8 matmul accepts. */
export const INT8_MIN = -128;
export const INT8_MAX = 127;

/**
 * Byte position of column j inside its 4-byte group. The kernels read codes as little-endian int32
 * words; on a big-endian host the bytes are stored mirrored so that the same shifts apply.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const byteSlot = (j: number) => (LITTLE_ENDIAN ? j : (j & ~3) | (3 - (j & 3)));

export interface PackedWeights {
  /** Every resident byte: the full panels, then the tail. */
  panels: Int8Array;
  /** The full panels' bytes as int32 words, two per depth step of a panel. */
  words: Int32Array;
  /** Number of full 8-column panels. */
  fullPanels: number;
  /** The last N mod 8 columns, [K][tailWidth] (empty when N is a multiple of 8). */
  tail: Int8Array;
  tailWidth: number;
  K: number;
  N: number;
  transposeB: boolean;
  /** Σ_k b[k,n] of the raw codes, per column (|Σ| ≤ 128·K fits int32: 4 bytes per column). */
  columnSums: Int32Array;
}

/** Resident bytes of a packed B: the codes (one byte each) and the column sums. */
export function residentBytes(packed: PackedWeights): number {
  return packed.panels.byteLength + packed.columnSums.byteLength;
}

export function panelCount(N: number): number {
  return Math.ceil(N / PANEL_WIDTH);
}

/** Throws when a code is outside int8; `what` names the tensor in the message. */
export function assertInt8Code(code: number, index: number, what: string, op = 'matMulInt8'): void {
  if (!(code >= INT8_MIN && code <= INT8_MAX)) {
    throw new Error(
      `${op}: ${what} code ${code} at flat index ${index} is outside the int8 range ` +
        `[${INT8_MIN}, ${INT8_MAX}]; only codes of at most 8 bits can be multiplied`,
    );
  }
}

/**
 * Where column n's codes live: in `panels` (full panel) or `tail`, from `base`, one every `step` bytes
 * per depth step. Shared by packing and unpacking so the two layouts cannot drift apart.
 */
function columnPlace(
  n: number,
  K: number,
  fullPanels: number,
  tailWidth: number,
): { inTail: boolean; base: number; step: number } {
  const p = Math.floor(n / PANEL_WIDTH);
  const inTail = p === fullPanels;
  return inTail
    ? { inTail, base: n % PANEL_WIDTH, step: tailWidth }
    : { inTail, base: p * K * PANEL_WIDTH + byteSlot(n % PANEL_WIDTH), step: PANEL_WIDTH };
}

/**
 * Packs B ([K,N] row-major, or [N,K] when `transposeB`) into panels, checking every code (an error
 * names `what` and `op`).
 */
export function packWeights(
  codes: Int32Array,
  K: number,
  N: number,
  transposeB: boolean,
  what = 'b',
  op = 'matMulInt8',
): PackedWeights {
  const fullPanels = Math.floor(N / PANEL_WIDTH);
  const tailWidth = N - fullPanels * PANEL_WIDTH;
  const fullBytes = fullPanels * K * PANEL_WIDTH;
  const panels = new Int8Array(fullBytes + K * tailWidth);
  const tail = panels.subarray(fullBytes);
  const columnSums = new Int32Array(N);
  const kStride = transposeB ? 1 : N;
  const nStride = transposeB ? K : 1;
  for (let n = 0; n < N; n++) {
    const { inTail, base, step } = columnPlace(n, K, fullPanels, tailWidth);
    const target = inTail ? tail : panels;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const index = k * kStride + n * nStride;
      const code = codes[index]!;
      assertInt8Code(code, index, what, op);
      target[base + k * step] = code;
      sum += code;
    }
    columnSums[n] = sum;
  }
  const words = new Int32Array(panels.buffer, panels.byteOffset, fullBytes >> 2);
  return { panels, words, fullPanels, tail, tailWidth, K, N, transposeB, columnSums };
}

/** The codes of a packed B as [K,N] row-major int8 (what `packWeights` read, when not transposeB). */
export function unpackWeights(packed: PackedWeights): Int8Array {
  const { panels, tail, fullPanels, tailWidth, K, N } = packed;
  const rows = new Int8Array(K * N);
  for (let n = 0; n < N; n++) {
    const { inTail, base, step } = columnPlace(n, K, fullPanels, tailWidth);
    const source = inTail ? tail : panels;
    for (let k = 0; k < K; k++) rows[k * N + n] = source[base + k * step]!;
  }
  return rows;
}
