/**
 * The packed int8 weights of backend 'webgl': each weight codes tensor is packed once into an RGBA8I
 * texture (1 byte per code, 4 codes per texel), keyed by the codes' dataId and reused by every later
 * call. Core's `QuantizedTensor.dispose()` calls `release(dataId)`; entries whose tensor was disposed
 * some other way are swept on the next pack, so no texture outlives its codes for long. Pinned weights
 * (pinned_weights.ts) live in the same store under their pin key, and sweeps skip them: their codes
 * tensor is gone on purpose.
 */

import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { createTexture2D, intFormats } from './gl/own_textures.js';
import { gl2, readValues } from './gl/webgl_backend.js';
import { BLOCK_COLUMNS } from './programs/mat-mul-int8-program.js';
import { releaseScratch } from './scratch_pool.js';
import { deleteWeightTextures, type PackedB, type WeightEntry } from './weight_textures.js';

export type { PackedB } from './weight_textures.js';

interface Entry extends WeightEntry {
  /** Held under a pin key (no codes tensor behind it): never swept, freed only by `release(key)`. */
  pinned: boolean;
}

const entries = new Map<object, Entry>();

/**
 * Where B's codes go in the RGBA8I texture: row-major with a row stride of N rounded up to even, 4
 * codes per texel. A stride that is a multiple of 4 gives one texture row per k (texel (nb, k) =
 * b[k, 4nb..4nb+3]); a stride of 2 mod 4 (N = 10, say) folds two rows k into one texture row, so no
 * texel lane is padding (a 4-wide row per k would waste up to 2 of every N + 2 bytes: 17% for N = 10).
 * Either way, a column pair (n, n + 1) with n even lies in one texel.
 */
export interface WeightLayout {
  stride: number;
  folded: boolean;
  /** Texture size in texels. */
  width: number;
  height: number;
}

export function weightLayout(K: number, N: number): WeightLayout {
  const stride = N + (N % 2);
  const folded = stride % 4 === 2;
  return folded
    ? { stride, folded, width: stride / 2, height: Math.ceil(K / 2) }
    : { stride, folded, width: stride / 4, height: K };
}

/**
 * Lays B out as `weightLayout(K, N)` describes, from [K,N] or (transposeB) [N,K] codes: K rows, not
 * padded to the 4-deep k blocks the blocked matmul walks. Its reads past row K see whatever the GPU
 * returns out of bounds, times A's zero padding there, so they add nothing (and cost no bytes). A
 * depthwise filter [kh,kw,C,multiplier] is the same layout with K = kh·kw taps and N = C·multiplier.
 */
export function packB(
  codes: ArrayLike<number>,
  K: number,
  N: number,
  transposeB: boolean,
): Int8Array {
  const { stride, width, height } = weightLayout(K, N);
  const packed = new Int8Array(width * height * 4);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      packed[k * stride + n] = transposeB ? codes[n * K + k]! : codes[k * N + n]!;
    }
  }
  return packed;
}

/** Uploads `[K, N]` (or transposed) codes into a new RGBA8I weight texture. */
export function uploadWeights(
  backend: MathBackendWebGL,
  layout: PackedB['layout'],
  codes: ArrayLike<number>,
  K: number,
  N: number,
  transposeB = false,
): PackedB {
  const gl = gl2(backend);
  const texels = weightLayout(K, N);
  const data = packB(codes, K, N, transposeB);
  const texture = createTexture2D(gl, intFormats(gl).rgba8i, texels.width, texels.height, data);
  return {
    layout,
    texture,
    texels,
    columnBlocks: Math.ceil(N / BLOCK_COLUMNS),
    kBlocks: Math.ceil(K / 4),
    K,
    N,
    transposeB,
    bytes: data.byteLength,
  };
}

/**
 * Frees whatever is held under `key` (a codes dataId or a pin key). Idempotent. The backend's shared
 * scratch goes with its last weights (a disposed model leaves nothing behind).
 */
export function releaseEntry(key: object): void {
  const entry = entries.get(key);
  if (!entry) return;
  entries.delete(key);
  deleteWeightTextures(entry);
  releaseScratch(entry);
  for (const other of entries.values()) if (other.backend === entry.backend) return;
  releaseScratch(entry.backend);
}

/**
 * `release(dataId)` from core: frees the packing of a codes dataId. Core calls it only once no other
 * tensor shares that dataId (QuantizedTensor's `releaseCodes`: tfjs clones and reshapes share one);
 * a shared dataId keeps its packing until the sweep finds the data gone.
 */
export function releaseCodes(dataId: object): void {
  const entry = entries.get(dataId);
  if (!entry || entry.pinned) return;
  releaseEntry(dataId);
}

function sweep(backend: MathBackendWebGL): void {
  const live = (backend as unknown as { texData: { has(id: object): boolean } }).texData;
  for (const [dataId, entry] of entries) {
    if (entry.backend === backend && !entry.pinned && !live.has(dataId)) releaseEntry(dataId);
  }
}

/**
 * Keeps `weights` under a pin key until `releaseEntry(key)`. Also sweeps packings of dead codes: with
 * every layer pinned there are no more cache misses, which is where sweeps otherwise happen.
 */
export function storePinned(backend: MathBackendWebGL, key: object, weights: PackedB): void {
  sweep(backend);
  releaseEntry(key);
  entries.set(key, { ...weights, backend, pinned: true });
}

/** The pinned weights under `key` on `backend`, if any. */
export function pinnedEntry(backend: MathBackendWebGL, key: object): PackedB | null {
  const entry = entries.get(key);
  return entry?.pinned && entry.backend === backend ? entry : null;
}

/** Resident bytes of the weight textures, pinned ones included. */
export function textureBytes(): number {
  let total = 0;
  for (const entry of entries.values()) total += entry.bytes;
  return total;
}

/** Bytes of the weights' per-column epilogue textures (multiplier, bias, zero points). */
export function epilogueBytes(): number {
  let total = 0;
  for (const entry of entries.values()) total += entry.epilogue?.bytes ?? 0;
  return total;
}

/**
 * The cached packing of `dataId` made by `pack` (called on a miss, or when `matches` rejects the
 * cached entry, which is then released). Other packings (depthwise filters) share the cache, so one
 * `release(dataId)` frees whatever was packed from a weight tensor.
 */
export function cachedPacking(
  backend: MathBackendWebGL,
  dataId: object,
  matches: (cached: PackedB) => boolean,
  pack: () => PackedB,
): PackedB {
  const cached = entries.get(dataId);
  if (cached && cached.backend === backend && matches(cached)) return cached;
  if (cached) releaseEntry(dataId);
  sweep(backend);
  const entry = { ...pack(), backend, pinned: false };
  entries.set(dataId, entry);
  return entry;
}

/** B of a matmul, packed from its codes tensor on first use. */
export function packedB(
  backend: MathBackendWebGL,
  b: TensorInfo,
  K: number,
  N: number,
  transposeB: boolean,
): PackedB {
  return cachedPacking(
    backend,
    b.dataId,
    (cached) =>
      cached.layout === 'matmul' &&
      cached.transposeB === transposeB &&
      cached.K === K &&
      cached.N === N,
    () => uploadWeights(backend, 'matmul', readValues(backend, b), K, N, transposeB),
  );
}
