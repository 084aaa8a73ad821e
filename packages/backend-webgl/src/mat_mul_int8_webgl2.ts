/**
 * ClipqMatMulInt8 on WebGL2 integer textures. Large products take three raw passes:
 *   1. pack A (tfjs's float texture, packed or not, or a convolution's im2col patches) into RGBA16I,
 *      zero point subtracted;
 *   2. the blocked int32 matmul against the cached RGBA8I weights, into an 8-layer RGBA32I texture;
 *   3. the float epilogue (and fused requantization), written into a tfjs-owned packed output texture.
 * Small products take one pass (mat-mul-int8-direct-program.ts), whose outputs are computed where
 * they are written. The packed weights and their epilogue textures persist until the weights are
 * released; the scratch textures (A, accumulators, split-K partials) are shared by every layer of the
 * backend (scratch_pool.ts).
 */
import type { ClipqMatMulInt8Attrs, ClipqMatMulInt8Inputs, ConvGeometry } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { maxTextureSize } from './gl/limits.js';
import { rawProgram, runPass } from './gl/raw_pass.js';
import { allocateOutput, type SampledTensor, sampledTensor } from './gl/webgl_backend.js';
import { type PooledRows, runBlocked } from './mat_mul_int8_blocked.js';
import type { EpilogueValues } from './mat_mul_int8_epilogue.js';
import { ACTIVATION_CODES } from './programs/int8-epilogue-program.js';
import {
  matMulInt8DirectSource,
  SPLIT_K_REDUCE_SOURCE,
} from './programs/mat-mul-int8-direct-program.js';
import { requantizeUniformsByName } from './programs/requantize-glsl.js';
import { partialsFor } from './scratch_pool.js';
import {
  epilogueTexturesFor,
  type PackedB,
  slabLayout,
  uploadEpilogue,
} from './weight_textures.js';

/**
 * Products of at most `maxWork` multiply-adds (M·N·K) take the single pass: it makes about 4x more
 * texel fetches per multiply-add than the blocked program, which only pays off when the blocked
 * path's two extra passes cost more (tiny layers: the demo's dense layer, late layers at batch 1).
 * Set from e2e measurements on SwiftShader; tests force either path.
 */
export const directPath = { maxWork: 1 << 20 };

/**
 * Outputs of the blocked path with at most `maxUnpacked` values (M·N) are written unpacked: for small
 * layers an unpack pass in the consumer (tfjs's pooling and reshape programs read unpacked textures)
 * costs more than the 4x fragments of an unpacked epilogue, while clipq's kernels read both layouts.
 * In-page A/B (40 rounds): demo CNN b1 +2–3% (its max pools skip an unpack), MobileNet b1 −1–2%.
 */
export const outputLayout = { maxUnpacked: 16384 };

/** Whether the blocked path writes an output of `rows` × `columns` packed (see `outputLayout`). */
export function blockedOutputPacked(rows: number, columns: number): boolean {
  return rows * columns > outputLayout.maxUnpacked;
}

/**
 * One- or two-row products split K into up to 32 slices of ≥ 64 (a second pass sums them), so a
 * batch-1 dense layer with few outputs runs on more than ⌈N/2⌉ fragments.
 */
const SPLIT_K_SLICES = 32;
/** Development knob (harness A/B): at most this many slices (1 turns the split off). */
export const splitK = { maxSlices: SPLIT_K_SLICES };
const SPLIT_K_DEPTH = 64;

/** True when every texture of the integer path fits the GPU's texture size limit. */
export function fitsIntegerPath(
  gl: WebGL2RenderingContext,
  M: number,
  K: number,
  N: number,
): boolean {
  const limit = maxTextureSize(gl);
  return slabLayout(M, Math.ceil(K / 4), limit).fits && N <= limit;
}

/** A's texture maps rows directly (width ⌈K/2⌉ packed, K unpacked without offset). */
function plainA(a: SampledTensor, K: number): boolean {
  return a.packed ? a.width === Math.ceil(K / 2) : a.width === K && a.flatOffset === 0;
}

export function matMulInt8WebGL2(
  backend: MathBackendWebGL,
  inputs: ClipqMatMulInt8Inputs,
  attrs: ClipqMatMulInt8Attrs,
  dims: { M: number; K: number; N: number },
  epilogue: EpilogueValues,
  /** B's RGBA8I texture: `packedB` of inputs.b, or pinned weights (then inputs.b is absent). */
  weights: PackedB,
  /**
   * A convolution's input: A is its im2col patches, built straight into A's slabs (inputs.a unused);
   * `pool`: a fused 2×2 max pool, the output then has the pooled rows.
   */
  im2col?: { x: TensorInfo; geometry: ConvGeometry; pool?: PooledRows },
): TensorInfo {
  const { M, K, N } = dims;
  const subtractZero = uploadEpilogue(weights, epilogue);
  const textures = epilogueTexturesFor(weights);
  const foldedStride = weights.texels.folded ? weights.texels.stride : 0;
  const dtype = attrs.requantize ? 'int32' : 'float32';
  const direct = !im2col && M * N * K <= directPath.maxWork;
  const pool = im2col?.pool;
  const outRows = pool ? (M / pool.convRowsPerImage) * pool.poolRowsPerImage : M;
  const packedOut = direct || blockedOutputPacked(outRows, N);
  const out = allocateOutput(backend, [outRows, N], dtype, packedOut);
  const requantize = requantizeUniformsByName(attrs.requantize);
  const epilogueInts = {
    rows: outRows,
    columns: N,
    outWidth: out.width,
    hasBias: epilogue.bias ? 1 : 0,
    activation: ACTIVATION_CODES[attrs.activation],
    ...requantize.ints,
  };

  const a = sampledTensor(backend, im2col ? im2col.x : inputs.a);
  try {
    const flatA = M === 1 && !a.packed && !plainA(a, K);
    if (direct && (flatA || plainA(a, K)) && out.width === Math.ceil(N / 2)) {
      const slices = M <= 2 ? Math.min(splitK.maxSlices, Math.floor(K / SPLIT_K_DEPTH)) : 1;
      const split = slices > 1;
      const sliceDepth = split ? Math.ceil(K / slices / 2) * 2 : K;
      const partials = split ? partialsFor(backend, weights, out.width, SPLIT_K_SLICES) : null;
      const source = matMulInt8DirectSource(
        a.packed,
        subtractZero,
        M === 1,
        split,
        foldedStride,
        flatA,
      );
      runPass(backend, rawProgram(backend, source), {
        targets: [{ texture: partials ?? out.texture }],
        width: out.width,
        height: split ? slices : out.height,
        textures: {
          a: { texture: a.texture },
          b: { texture: weights.texture },
          bZeroPoint: { texture: textures.zeroPoints },
          epilogue: { texture: textures.scaleBias },
        },
        ints: {
          ...epilogueInts,
          depth: K,
          aZeroPoint: attrs.aZeroPoint,
          sliceDepth,
          ...(flatA ? { aWidth: a.width, aOffset: a.flatOffset } : {}),
        },
        floats: requantize.floats,
      });
      if (split) {
        runPass(backend, rawProgram(backend, SPLIT_K_REDUCE_SOURCE), {
          targets: [{ texture: out.texture }],
          width: out.width,
          height: out.height,
          textures: {
            partials: { texture: partials! },
            epilogue: { texture: textures.scaleBias },
          },
          ints: { ...epilogueInts, slices },
          floats: requantize.floats,
        });
      }
      return out.info;
    }

    runBlocked(backend, {
      a,
      im2col,
      weights,
      zeroPoints: textures.zeroPoints,
      scaleBias: textures.scaleBias,
      subtractZero,
      foldedStride,
      aZeroPoint: attrs.aZeroPoint,
      dims,
      out,
      packedOut,
      epilogueInts,
      floats: requantize.floats,
      ...(pool ? { pool } : {}),
    });
    return out.info;
  } finally {
    a.dispose();
  }
}
