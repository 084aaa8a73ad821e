/**
 * The packed int8 weights of backend 'webgl': each B codes tensor is packed once into an RGBA8I texture
 * (1 byte per code, 4 codes per texel), keyed by the codes' dataId and reused by every later matmul.
 * Core's `QuantizedTensor.dispose()` calls `release(dataId)`; entries whose tensor was disposed some
 * other way are swept on the next pack, so no texture outlives its codes for long. `bytes()` counts
 * the packed weights only (the workspace is scratch that scales with M, not with the weights).
 */

import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import {
  createTexture2D,
  createTexture2DArray,
  deleteTexture,
  intFormats,
} from './gl/own_textures.js';
import { targetFramebuffer } from './gl/raw_pass.js';
import { gl2, readValues } from './gl/webgl_backend.js';
import { BLOCK_COLUMNS, BLOCK_ROWS } from './programs/mat-mul-int8-program.js';

export interface PackedB {
  /** How the codes are laid out: B of a matmul (K padded to 4), or a depthwise filter (taps × N). */
  layout: 'matmul' | 'depthwise';
  texture: WebGLTexture;
  /** Texture width: ceil(N / 4) texels. */
  columnBlocks: number;
  /** ceil(K / 4), the k blocks of the blocked matmul; the texture has K rows. */
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

/** The per-column epilogue operands of a matmul, which do not depend on M. */
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

interface Entry extends PackedB {
  backend: MathBackendWebGL;
  workspace?: Workspace;
  epilogue?: EpilogueTextures;
  /** Further textures that live and die with the weights (a depthwise filter's epilogue textures). */
  companions?: WebGLTexture[];
}

function deleteWorkspace(gl: WebGL2RenderingContext, workspace: Workspace | undefined): void {
  if (!workspace) return;
  gl.deleteFramebuffer(workspace.framebuffers.aPacked);
  gl.deleteFramebuffer(workspace.framebuffers.acc);
  deleteTexture(gl, workspace.aPacked);
  deleteTexture(gl, workspace.acc);
}

/** The epilogue textures of these weights (created on first use, freed with the weights). */
export function epilogueTexturesFor(weights: PackedB): EpilogueTextures {
  const entry = weights as Entry;
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

/** Rows per slab of A (a multiple of the 8-row block, within the texture size limit) and slab count. */
export function slabLayout(M: number, kBlocks: number, limit: number) {
  const rows = Math.ceil(M / BLOCK_ROWS) * BLOCK_ROWS;
  const slabRows = Math.min(rows, Math.floor(limit / BLOCK_ROWS) * BLOCK_ROWS);
  const slabs = Math.ceil(rows / slabRows);
  return { slabRows, slabs, fits: kBlocks * slabs <= limit && rows / BLOCK_ROWS <= limit };
}

/** The scratch textures for an M-row product with these weights. */
export function workspaceFor(weights: PackedB, M: number): Workspace {
  const entry = weights as Entry;
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

const entries = new Map<object, Entry>();

/**
 * Lays B out as texel (nb, k) = b[k, 4nb..4nb+3], from [K,N] or (transposeB) [N,K] codes: K rows, not
 * padded to the 4-deep k blocks the blocked matmul walks. Its reads past row K see whatever the GPU
 * returns out of bounds, times A's zero padding there, so they add nothing (and cost no bytes).
 */
export function packB(
  codes: ArrayLike<number>,
  K: number,
  N: number,
  transposeB: boolean,
): Int8Array {
  const columnBlocks = Math.ceil(N / BLOCK_COLUMNS);
  const packed = new Int8Array(K * columnBlocks * 4);
  const width = columnBlocks * 4;
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      packed[k * width + n] = transposeB ? codes[n * K + k]! : codes[k * N + n]!;
    }
  }
  return packed;
}

function release(dataId: object): void {
  const entry = entries.get(dataId);
  if (!entry) return;
  entries.delete(dataId);
  const gl = gl2(entry.backend);
  deleteTexture(gl, entry.texture);
  deleteWorkspace(gl, entry.workspace);
  if (entry.epilogue) {
    deleteTexture(gl, entry.epilogue.scaleBias);
    deleteTexture(gl, entry.epilogue.zeroPoints);
    if (entry.epilogue.partials) deleteTexture(gl, entry.epilogue.partials);
  }
  for (const texture of entry.companions ?? []) deleteTexture(gl, texture);
}

function sweep(backend: MathBackendWebGL): void {
  const live = (backend as unknown as { texData: { has(id: object): boolean } }).texData;
  for (const [dataId, entry] of entries) {
    if (entry.backend === backend && !live.has(dataId)) release(dataId);
  }
}

/**
 * The cached packing of `dataId` made by `pack` (called on a miss, or when `matches` rejects the
 * cached entry, which is then released). Other packings (depthwise filters) share the cache, so one
 * `release(dataId)` frees whatever was packed from a weight tensor.
 */
export function cachedPacking<T extends PackedB>(
  backend: MathBackendWebGL,
  dataId: object,
  matches: (cached: T) => boolean,
  pack: () => T & { companions?: WebGLTexture[] },
): T {
  const cached = entries.get(dataId) as (Entry & T) | undefined;
  if (cached && cached.backend === backend && matches(cached)) return cached;
  if (cached) release(dataId);
  sweep(backend);
  const entry = { ...pack(), backend };
  entries.set(dataId, entry);
  return entry;
}

export function packedB(
  backend: MathBackendWebGL,
  b: TensorInfo,
  K: number,
  N: number,
  transposeB: boolean,
): PackedB {
  return cachedPacking<PackedB>(
    backend,
    b.dataId,
    (cached) =>
      cached.layout === 'matmul' &&
      cached.transposeB === transposeB &&
      cached.K === K &&
      cached.N === N,
    () => {
      const gl = gl2(backend);
      const columnBlocks = Math.ceil(N / BLOCK_COLUMNS);
      const kBlocks = Math.ceil(K / 4);
      const data = packB(readValues(backend, b), K, N, transposeB);
      const texture = createTexture2D(gl, intFormats(gl).rgba8i, columnBlocks, K, data);
      const bytes = data.byteLength;
      return { layout: 'matmul', texture, columnBlocks, kBlocks, K, N, transposeB, bytes };
    },
  );
}

/** Registered with core (`registerPackedWeightCache`) so `QuantizedTensor.dispose()` frees textures. */
export const webglPackedWeightCache = {
  name: 'webgl',
  release,
  bytes(): number {
    let total = 0;
    for (const entry of entries.values()) total += entry.bytes;
    return total;
  },
};
