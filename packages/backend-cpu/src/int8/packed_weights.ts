/**
 * The resident form of an int8 weight matrix B: column panels of `PANEL_WIDTH` codes, stored as
 * `panels[p][k][j]` (code of column p·8 + j at depth k) in one Int8Array. Both matmul paths stream a
 * panel front to back, 8 codes (two int32 words) per depth step. Columns past N are zero codes, so the
 * resident cost is K·ceil(N/8)·8 bytes, about 1 byte per parameter.
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
  panels: Int8Array;
  /** The same bytes as int32 words, two per depth step of a panel. */
  words: Int32Array;
  K: number;
  N: number;
  transposeB: boolean;
  /** Σ_k b[k,n] of the raw codes, per column. */
  columnSums: Float64Array;
}

export function panelCount(N: number): number {
  return Math.ceil(N / PANEL_WIDTH);
}

/** Throws when a code is outside int8; `what` names the tensor in the message. */
export function assertInt8Code(code: number, index: number, what: string): void {
  if (!(code >= INT8_MIN && code <= INT8_MAX)) {
    throw new Error(
      `matMulInt8: ${what} code ${code} at flat index ${index} is outside the int8 range ` +
        `[${INT8_MIN}, ${INT8_MAX}]; only codes of at most 8 bits can be multiplied`,
    );
  }
}

/** Packs B ([K,N] row-major, or [N,K] when `transposeB`) into panels, checking every code. */
export function packWeights(
  codes: Int32Array,
  K: number,
  N: number,
  transposeB: boolean,
): PackedWeights {
  const panelsCount = panelCount(N);
  const panels = new Int8Array(panelsCount * K * PANEL_WIDTH);
  const columnSums = new Float64Array(N);
  const kStride = transposeB ? 1 : N;
  const nStride = transposeB ? K : 1;
  for (let n = 0; n < N; n++) {
    const base = Math.floor(n / PANEL_WIDTH) * K * PANEL_WIDTH + byteSlot(n % PANEL_WIDTH);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const index = k * kStride + n * nStride;
      const code = codes[index];
      assertInt8Code(code, index, 'b');
      panels[base + k * PANEL_WIDTH] = code;
      sum += code;
    }
    columnSums[n] = sum;
  }
  const words = new Int32Array(panels.buffer, panels.byteOffset, panels.length >> 2);
  return { panels, words, K, N, transposeB, columnSums };
}
