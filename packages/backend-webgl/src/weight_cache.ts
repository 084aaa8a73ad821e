/**
 * The packed-weight cache registered with core (`registerPackedWeightCache`): `QuantizedTensor.dispose()`
 * frees textures through `release`, `QuantizedTensor.pack()` pins through `pin`, and memory accounting
 * reads `bytes()` (weight textures and host-pinned codes, 1 byte per code; the per-column epilogue and
 * scratch textures are left out, see weight_textures.ts).
 */
import { textureBytes } from './packed_weights.js';
import { hostPinnedBytes, pin, releaseWeights, unpack } from './pinned_weights.js';

export const webglPackedWeightCache = {
  name: 'webgl',
  /** Frees the copy under a codes dataId or a pin key. Idempotent. */
  release: releaseWeights,
  bytes(): number {
    return textureBytes() + hostPinnedBytes();
  },
  pin,
  unpack,
};
