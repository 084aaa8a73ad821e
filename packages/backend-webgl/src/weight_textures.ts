/**
 * The textures that live and die with one set of packed weights, besides the weights themselves: the
 * per-column epilogue operands (multiplier, bias, zero point), which do not depend on the batch.
 * `bytes()` of the cache leaves them out (they scale with the output columns; `textureBreakdown()`
 * reports them). The integer path's scratch, which grows with M, is shared per backend
 * (scratch_pool.ts).
 */
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { createTexture2D, deleteTexture, intFormats, writeTexture2D } from './gl/own_textures.js';
import { gl2 } from './gl/webgl_backend.js';
import { type EpilogueValues, interleave } from './mat_mul_int8_epilogue.js';
import type { WeightLayout } from './packed_weights.js';
import { BLOCK_COLUMNS, BLOCK_ROWS } from './programs/mat-mul-int8-program.js';
import { sameValues } from './same_values.js';

/** RGBA8I weights: a [K, N] view of the codes laid out as `texels` says (packed_weights.ts). */
export interface PackedB {
  /** What the codes are: B of a matmul, or a depthwise filter (taps × N). */
  layout: 'matmul' | 'depthwise';
  texture: WebGLTexture;
  texels: WeightLayout;
  /** ceil(N / 4): the 4-column output blocks (accumulator and zero-point textures are this wide). */
  columnBlocks: number;
  /** ceil(K / 4), the k blocks of the blocked matmul. */
  kBlocks: number;
  K: number;
  N: number;
  transposeB: boolean;
  bytes: number;
}

/** The per-column epilogue operands of a matmul (or a depthwise filter), which do not depend on M. */
export interface EpilogueTextures {
  /** RG32F, N × 1: multiplier and bias per column. */
  scaleBias: WebGLTexture;
  /** RGBA32I, ceil(N/4) × 1: B's zero point per column. */
  zeroPoints: WebGLTexture;
  /** What the two small textures hold, so that unchanged values (the usual case) are not re-uploaded. */
  written: { scaleBias?: Float32Array; zeroPoints?: Int32Array };
  /** Their bytes on the GPU. */
  bytes: number;
}

/** Packed weights as the cache holds them: with their backend and their companion textures. */
export interface WeightEntry extends PackedB {
  backend: MathBackendWebGL;
  epilogue?: EpilogueTextures;
}

/** Deletes every texture of an entry: the weights and the epilogue operands. */
export function deleteWeightTextures(entry: WeightEntry): void {
  const gl = gl2(entry.backend);
  deleteTexture(gl, entry.texture);
  if (entry.epilogue) {
    deleteTexture(gl, entry.epilogue.scaleBias);
    deleteTexture(gl, entry.epilogue.zeroPoints);
  }
}

/** The epilogue textures of these weights (created on first use, freed with the weights). */
export function epilogueTexturesFor(weights: PackedB): EpilogueTextures {
  const entry = weights as WeightEntry;
  if (!entry.epilogue) {
    const gl = gl2(entry.backend);
    const formats = intFormats(gl);
    entry.epilogue = {
      scaleBias: createTexture2D(gl, formats.rg32f, entry.N, 1, null),
      zeroPoints: createTexture2D(gl, formats.rgba32i, entry.columnBlocks, 1, null),
      written: {},
      bytes: entry.N * 8 + entry.columnBlocks * 16,
    };
  }
  return entry.epilogue;
}

/**
 * Uploads the weights' zero points and the (multiplier, bias) pairs into their epilogue textures when
 * they changed; true if the weights have a nonzero zero point.
 */
export function uploadEpilogue(weights: PackedB, epilogue: EpilogueValues): boolean {
  const textures = epilogueTexturesFor(weights);
  const gl = gl2((weights as WeightEntry).backend);
  const formats = intFormats(gl);
  const zeroPoints = epilogue.bZeroPoint;
  const subtractZero = zeroPoints.some((z) => z !== 0);
  if (subtractZero) {
    const perColumn = new Int32Array(weights.columnBlocks * BLOCK_COLUMNS);
    for (let n = 0; n < weights.N; n++) perColumn[n] = zeroPoints[zeroPoints.length === 1 ? 0 : n]!;
    if (!sameValues(textures.written.zeroPoints, perColumn)) {
      writeTexture2D(gl, textures.zeroPoints, formats.rgba32i, weights.columnBlocks, 1, perColumn);
      textures.written.zeroPoints = perColumn;
    }
  }
  const scaleBias = interleave(epilogue, weights.N);
  if (!sameValues(textures.written.scaleBias, scaleBias)) {
    writeTexture2D(gl, textures.scaleBias, formats.rg32f, weights.N, 1, scaleBias);
    textures.written.scaleBias = scaleBias;
  }
  return subtractZero;
}

/** Rows per slab of A (a multiple of the 8-row block, within the texture size limit) and slab count. */
export function slabLayout(M: number, kBlocks: number, limit: number) {
  const rows = Math.ceil(M / BLOCK_ROWS) * BLOCK_ROWS;
  const slabRows = Math.min(rows, Math.floor(limit / BLOCK_ROWS) * BLOCK_ROWS);
  const slabs = Math.ceil(rows / slabRows);
  return { slabRows, slabs, fits: kBlocks * slabs <= limit && rows / BLOCK_ROWS <= limit };
}
