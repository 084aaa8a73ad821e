/**
 * The integer matmul's scratch textures, one set per backend instead of one per weight: A's packed
 * codes (RGBA16I), the int32 accumulators (an 8-layer RGBA32I array) and the split-K partial sums.
 * Every matmul writes and reads them within one call, so layers can take turns. A and the
 * accumulators are folded into slabs (scratch_layout.ts), so the textures follow the largest layer's
 * area rather than the widest layer times the tallest one; a shape that does not fit re-sizes them for
 * every shape seen so far (the first predict of a model, typically), and then they stay. They are freed
 * when the backend's last packed weight is released, by `releaseScratch`, or with the backend.
 */
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { maxTextureSize } from './gl/limits.js';
import {
  createTexture2D,
  createTexture2DArray,
  deleteTexture,
  intFormats,
} from './gl/own_textures.js';
import { targetFramebuffer } from './gl/raw_pass.js';
import { gl2 } from './gl/webgl_backend.js';
import { BLOCK_ROWS } from './programs/mat-mul-int8-program.js';
import { type Fold, foldFits, foldInto, type ScratchNeed, scratchSize } from './scratch_layout.js';

/** One folded scratch texture: `width` texels × `height` rows (texel rows, or 8-row blocks for A). */
interface FoldedTexture {
  texture: WebGLTexture;
  framebuffer: WebGLFramebuffer;
  width: number;
  height: number;
  bytes: number;
}

interface Pool {
  a?: FoldedTexture;
  acc?: FoldedTexture;
  /** Every shape seen, so that a re-size covers them all (and the pool settles after one predict). */
  aNeeds: Map<string, ScratchNeed>;
  accNeeds: Map<string, ScratchNeed>;
  partials?: { texture: WebGLTexture; width: number; bytes: number };
}

/** Pools by owner: the backend (shared), or one weight entry (`scratchSharing.perBackend = false`). */
const pools = new Map<object, Pool & { backend: MathBackendWebGL }>();

/**
 * `perBackend: false` gives every weight its own pool again (the layout before sharing), for in-page
 * A/B measurements of the sharing (harness/page/pinned_ab.ts); results are identical either way.
 */
export const scratchSharing = { perBackend: true };

/** The scratch of one blocked matmul call, and how its A and accumulators are folded. */
export interface Workspace {
  /** RGBA16I: texel (slab·kBlocks + kb, m − slab·slabRows) = A[m, 4kb..4kb+3] − aZeroPoint. */
  aPacked: WebGLTexture;
  aFramebuffer: WebGLFramebuffer;
  /** Slabs of A; `slabRows` is in rows (a multiple of the 8-row block). */
  a: Fold;
  /** RGBA32I array, 8 layers: texel (slab·columnBlocks + nb, mb − slab·slabRows) = block (nb, mb). */
  acc: WebGLTexture;
  accFramebuffer: WebGLFramebuffer;
  /** Slabs of the accumulators; `slabRows` is in 8-row blocks. */
  accFold: Fold;
}

function poolOf(backend: MathBackendWebGL, weights: object): Pool {
  const owner = scratchSharing.perBackend ? backend : weights;
  let pool = pools.get(owner);
  if (!pool) {
    pool = { backend, aNeeds: new Map(), accNeeds: new Map() };
    pools.set(owner, pool);
    freeWithBackend(backend);
  }
  return pool;
}

/** Wraps the backend's dispose once, so that its scratch goes with it. */
function freeWithBackend(backend: MathBackendWebGL): void {
  const hooked = backend as MathBackendWebGL & { clipqScratchHook?: boolean };
  if (hooked.clipqScratchHook) return;
  hooked.clipqScratchHook = true;
  const dispose = backend.dispose.bind(backend);
  backend.dispose = () => {
    releaseScratch(backend);
    dispose();
  };
}

function deleteFolded(gl: WebGL2RenderingContext, folded: FoldedTexture | undefined): void {
  if (!folded) return;
  gl.deleteFramebuffer(folded.framebuffer);
  deleteTexture(gl, folded.texture);
}

/**
 * The folded texture of `current` if `need` fits it; otherwise a new one sized for every need seen
 * (the caller checked that each fits the texture size limit on its own).
 */
function fitted(
  current: FoldedTexture | undefined,
  needs: Map<string, ScratchNeed>,
  need: ScratchNeed,
  maxHeight: number,
  make: (width: number, height: number) => FoldedTexture,
  gl: WebGL2RenderingContext,
): FoldedTexture {
  needs.set(`${need.width}x${need.rows}`, need);
  if (current && foldFits(need, current.width, current.height)) return current;
  const limit = maxTextureSize(gl);
  const size = scratchSize(needs.values(), limit, maxHeight);
  if (!size)
    throw new Error(
      `ClipqMatMulInt8: scratch of ${need.width} × ${need.rows} exceeds the texture limit`,
    );
  deleteFolded(gl, current);
  return make(size.width, size.height);
}

/** The shared scratch for a blocked matmul of `rowBlocks` 8-row blocks, `kBlocks`, `columnBlocks`. */
export function workspaceFor(
  backend: MathBackendWebGL,
  /** The weights (their pool when `scratchSharing.perBackend` is off). */
  weights: object,
  kBlocks: number,
  columnBlocks: number,
  rowBlocks: number,
): Workspace {
  const pool = poolOf(backend, weights);
  const gl = gl2(backend);
  const formats = intFormats(gl);
  const limit = maxTextureSize(gl);
  const aNeed = { width: kBlocks, rows: rowBlocks };
  pool.a = fitted(
    pool.a,
    pool.aNeeds,
    aNeed,
    Math.floor(limit / BLOCK_ROWS),
    (width, height) => {
      const texture = createTexture2D(gl, formats.rgba16i, width, height * BLOCK_ROWS, null);
      const framebuffer = targetFramebuffer(backend, [{ texture }]);
      return { texture, framebuffer, width, height, bytes: width * height * BLOCK_ROWS * 8 };
    },
    gl,
  );
  const accNeed = { width: columnBlocks, rows: rowBlocks };
  pool.acc = fitted(
    pool.acc,
    pool.accNeeds,
    accNeed,
    limit,
    (width, height) => {
      const texture = createTexture2DArray(gl, formats.rgba32i, width, height, BLOCK_ROWS);
      const layers = [...Array(BLOCK_ROWS).keys()].map((layer) => ({ texture, layer }));
      const framebuffer = targetFramebuffer(backend, layers);
      return { texture, framebuffer, width, height, bytes: width * height * BLOCK_ROWS * 16 };
    },
    gl,
  );
  const a = foldInto(aNeed, pool.a.height);
  return {
    aPacked: pool.a.texture,
    aFramebuffer: pool.a.framebuffer,
    a: { slabs: a.slabs, slabRows: a.slabRows * BLOCK_ROWS },
    acc: pool.acc.texture,
    accFramebuffer: pool.acc.framebuffer,
    accFold: foldInto(accNeed, pool.acc.height),
  };
}

/** RGBA32I, at least `width` × `slices`: the split-K partial sums of the single-pass matmul. */
export function partialsFor(
  backend: MathBackendWebGL,
  weights: object,
  width: number,
  slices: number,
): WebGLTexture {
  const pool = poolOf(backend, weights);
  if (pool.partials && pool.partials.width >= width) return pool.partials.texture;
  const gl = gl2(backend);
  if (pool.partials) deleteTexture(gl, pool.partials.texture);
  const texture = createTexture2D(gl, intFormats(gl).rgba32i, width, slices, null);
  pool.partials = { texture, width, bytes: width * slices * 16 };
  return texture;
}

/**
 * Frees the scratch textures of `owner`: a backend (with every per-weight pool on it), a weight entry,
 * or everything when omitted. The next matmul re-creates what it needs.
 */
export function releaseScratch(owner?: object): void {
  for (const [key, pool] of pools) {
    if (owner && key !== owner && pool.backend !== owner) continue;
    pools.delete(key);
    const gl = gl2(pool.backend);
    deleteFolded(gl, pool.a);
    deleteFolded(gl, pool.acc);
    if (pool.partials) deleteTexture(gl, pool.partials.texture);
  }
}

/** Bytes of the scratch textures alive now, over every backend. */
export function scratchBytes(): number {
  let total = 0;
  for (const pool of pools.values()) {
    total += (pool.a?.bytes ?? 0) + (pool.acc?.bytes ?? 0) + (pool.partials?.bytes ?? 0);
  }
  return total;
}
