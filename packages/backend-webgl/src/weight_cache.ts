/**
 * The packed-weight cache registered with core (`registerPackedWeightCache`): `QuantizedTensor.dispose()`
 * frees textures through `release`, `QuantizedTensor.pack()` pins through `pin`, and memory accounting
 * reads `bytes()` (weight textures and host-pinned codes, 1 byte per code). The rest of what clipq
 * keeps on the GPU is in `textureBreakdown()`: the per-column epilogue textures of each weight and the
 * backend's shared scratch (scratch_pool.ts), which follows the largest layer's activations.
 */
import { ownTextureStats } from './gl/own_textures.js';
import { epilogueBytes, textureBytes } from './packed_weights.js';
import { hostPinnedBytes, pin, releaseWeights, unpack } from './pinned_weights.js';
import { scratchBytes } from './scratch_pool.js';

/** Bytes of every texture clipq keeps outside tfjs, by purpose. */
export interface TextureBreakdown {
  /** The RGBA8I weight textures (what `bytes()` counts, with host-pinned codes). */
  weights: number;
  /** Per-weight (multiplier, bias) and zero-point textures: about 24 bytes per output channel. */
  epilogue: number;
  /** The integer matmul's shared scratch (A, accumulators, split-K partials), per backend. */
  scratch: number;
  /** Anything else clipq created and still holds (0 between kernel calls). */
  other: number;
}

export function textureBreakdown(): TextureBreakdown {
  const weights = textureBytes();
  const epilogue = epilogueBytes();
  const scratch = scratchBytes();
  return {
    weights,
    epilogue,
    scratch,
    other: ownTextureStats().bytes - weights - epilogue - scratch,
  };
}

export const webglPackedWeightCache = {
  name: 'webgl',
  /** Frees the copy under a codes dataId or a pin key. Idempotent. */
  release: releaseWeights,
  bytes(): number {
    return textureBytes() + hostPinnedBytes();
  },
  pin,
  unpack,
  /** The integer matmul's shared scratch textures (not weights: they scale with activations). */
  scratchBytes,
};
