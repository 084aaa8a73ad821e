/**
 * The textures that live and die with one set of packed weights, besides the weights themselves: the
 * per-column epilogue operands (multiplier, bias, zero point), which do not depend on the batch, and
 * the integer path's scratch (the workspace), which is created and deleted once per weight instead of
 * on every call and grows with M. `bytes()` of the cache leaves them out: they scale with the output
 * columns and with M, not with the number of weights.
 */
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import {
  createTexture2D,
  createTexture2DArray,
  deleteTexture,
  intFormats,
  writeTexture2D,
} from './gl/own_textures.js';
import { targetFramebuffer } from './gl/raw_pass.js';
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

/**
 * Per-weight scratch textures of the integer path, kept with the packed weights instead of being
 * created and deleted on every call, and freed with them. Rebuilt when a larger M arrives.
 */
export interface Workspace {
  M: number;
  /** RGBA16I, kBlocks·slabs × slabRows: A's codes minus the zero point, rows folded into slabs. */
  aPacked: WebGLTexture;
  slabRows: number;
  /** RGBA32I array, ceil(N/4) × ceil(M/8) × 8 layers: the int32 accumulators. */
  acc: WebGLTexture;
  /** Framebuffers with aPacked, and the 8 layers of acc, attached for good. */
  framebuffers: { aPacked: WebGLFramebuffer; acc: WebGLFramebuffer };
}

/** The per-column epilogue operands of a matmul (or a depthwise filter), which do not depend on M. */
export interface EpilogueTextures {
  /** RG32F, N × 1: multiplier and bias per column. */
  scaleBias: WebGLTexture;
  /** RGBA32I, ceil(N/4) × 1: B's zero point per column. */
  zeroPoints: WebGLTexture;
  /** What the two small textures hold, so that unchanged values (the usual case) are not re-uploaded. */
  written: { scaleBias?: Float32Array; zeroPoints?: Int32Array };
  /** RGBA32I, ⌈N/2⌉ × slices: split-K partial sums of the single-pass matmul (made on first use). */
  partials?: WebGLTexture;
}

/** Packed weights as the cache holds them: with their backend and their companion textures. */
export interface WeightEntry extends PackedB {
  backend: MathBackendWebGL;
  workspace?: Workspace;
  epilogue?: EpilogueTextures;
}

function deleteWorkspace(gl: WebGL2RenderingContext, workspace: Workspace | undefined): void {
  if (!workspace) return;
  gl.deleteFramebuffer(workspace.framebuffers.aPacked);
  gl.deleteFramebuffer(workspace.framebuffers.acc);
  deleteTexture(gl, workspace.aPacked);
  deleteTexture(gl, workspace.acc);
}

/** Deletes every texture of an entry: the weights, the epilogue operands and the workspace. */
export function deleteWeightTextures(entry: WeightEntry): void {
  const gl = gl2(entry.backend);
  deleteTexture(gl, entry.texture);
  deleteWorkspace(gl, entry.workspace);
  if (entry.epilogue) {
    deleteTexture(gl, entry.epilogue.scaleBias);
    deleteTexture(gl, entry.epilogue.zeroPoints);
    if (entry.epilogue.partials) deleteTexture(gl, entry.epilogue.partials);
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

/** The scratch textures for an M-row product with these weights. */
export function workspaceFor(weights: PackedB, M: number): Workspace {
  const entry = weights as WeightEntry;
  // Grow-only: passes draw only their M's rows, so a larger workspace serves a smaller M (a conv split
  // into row chunks alternates between two M's, and batch sizes vary).
  if (entry.workspace && entry.workspace.M >= M) return entry.workspace;
  const gl = gl2(entry.backend);
  deleteWorkspace(gl, entry.workspace);
  const formats = intFormats(gl);
  const rowBlocks = Math.ceil(M / BLOCK_ROWS);
  const limit = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  const { slabRows, slabs } = slabLayout(M, entry.kBlocks, limit);
  const aPacked = createTexture2D(gl, formats.rgba16i, entry.kBlocks * slabs, slabRows, null);
  const acc = createTexture2DArray(gl, formats.rgba32i, entry.columnBlocks, rowBlocks, BLOCK_ROWS);
  const layers = [...Array(BLOCK_ROWS).keys()].map((layer) => ({ texture: acc, layer }));
  entry.workspace = {
    M,
    aPacked,
    slabRows,
    acc,
    framebuffers: {
      aPacked: targetFramebuffer(entry.backend, [{ texture: aPacked }]),
      acc: targetFramebuffer(entry.backend, layers),
    },
  };
  return entry.workspace;
}
