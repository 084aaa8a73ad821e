/**
 * ClipqMatMulInt8 on WebGL2 integer textures, in three raw passes:
 *   1. pack A (tfjs's float texture, packed or not, or a convolution's im2col patches) into RGBA16I,
 *      zero point subtracted;
 *   2. the blocked int32 matmul against the cached RGBA8I weights, into an 8-layer RGBA32I texture;
 *   3. the float epilogue, written into a tfjs-owned float32 output texture.
 * The packed weights and their workspace (scratch textures) persist until the weights are released.
 */
import type { ClipqMatMulInt8Attrs, ClipqMatMulInt8Inputs, ConvGeometry } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { intFormats, writeTexture2D } from './gl/own_textures.js';
import { rawProgram, runPass } from './gl/raw_pass.js';
import { allocateOutput, gl2, sampledTensor } from './gl/webgl_backend.js';
import { type EpilogueValues, interleave } from './mat_mul_int8_epilogue.js';
import { packedB, slabLayout, workspaceFor } from './packed_weights.js';
import { im2colPackSource } from './programs/im2col-pack-program.js';
import {
  ACTIVATION_CODES,
  INT8_EPILOGUE_PACKED_SOURCE,
  INT8_EPILOGUE_SOURCE,
} from './programs/int8-epilogue-program.js';
import { BLOCK_COLUMNS, BLOCK_ROWS, matMulInt8Source } from './programs/mat-mul-int8-program.js';
import { PACK_A_PACKED_SOURCE, PACK_A_SOURCE } from './programs/pack-a-program.js';
import { requantizeUniformsByName } from './programs/requantize-glsl.js';
import { xLayout } from './programs/x-reader-glsl.js';

/** Bitwise equality of two small arrays (an upload is skipped when the values did not change). */
function sameValues(
  a: Float32Array | Int32Array | undefined,
  b: Float32Array | Int32Array,
): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** True when every texture of the integer path fits the GPU's texture size limit. */
export function fitsIntegerPath(
  gl: WebGL2RenderingContext,
  M: number,
  K: number,
  N: number,
): boolean {
  const limit = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
  return slabLayout(M, Math.ceil(K / 4), limit).fits && N <= limit;
}

export function matMulInt8WebGL2(
  backend: MathBackendWebGL,
  inputs: ClipqMatMulInt8Inputs,
  attrs: ClipqMatMulInt8Attrs,
  dims: { M: number; K: number; N: number },
  epilogue: EpilogueValues,
  /** A convolution's input: A is its im2col patches, built straight into A's slabs (inputs.a unused). */
  im2col?: { x: TensorInfo; geometry: ConvGeometry },
): TensorInfo {
  const { M, K, N } = dims;
  const gl = gl2(backend);
  const formats = intFormats(gl);
  const weights = packedB(backend, inputs.b, K, N, attrs.transposeB);
  const workspace = workspaceFor(weights, M);
  const rowBlocks = Math.ceil(M / BLOCK_ROWS);

  // The pass that fills A's slabs: im2col of a convolution's input, or A itself, read in place
  // when packed (the previous int8 layer's codes) and densely otherwise.
  const slabs = Math.ceil((rowBlocks * BLOCK_ROWS) / workspace.slabRows);
  const slabUniforms = { kBlocks: weights.kBlocks, slabRows: workspace.slabRows, slabs };
  const a = sampledTensor(backend, im2col ? im2col.x : inputs.a);
  try {
    const source = im2col
      ? im2colPackSource(im2col.geometry, xLayout(a, im2col.geometry.inChannels))
      : a.packed
        ? PACK_A_PACKED_SOURCE
        : PACK_A_SOURCE;
    runPass(backend, rawProgram(backend, source), {
      framebuffer: workspace.framebuffers.aPacked,
      width: weights.kBlocks * slabs,
      height: slabs === 1 ? rowBlocks * BLOCK_ROWS : workspace.slabRows,
      textures: { [im2col ? 'x' : 'a']: { texture: a.texture } },
      ints: {
        ...slabUniforms,
        rows: M,
        ...(im2col
          ? { xWidth: a.width, xOffset: a.flatOffset, xZeroPoint: attrs.aZeroPoint }
          : {
              depth: K,
              aWidth: a.width,
              ...(a.packed ? {} : { aOffset: a.flatOffset }),
              aZeroPoint: attrs.aZeroPoint,
            }),
      },
    });
  } finally {
    a.dispose();
  }

  const zeroPoints = epilogue.bZeroPoint;
  const subtractZero = zeroPoints.some((z) => z !== 0);
  if (subtractZero) {
    const perColumn = new Int32Array(weights.columnBlocks * BLOCK_COLUMNS);
    for (let n = 0; n < N; n++) perColumn[n] = zeroPoints[zeroPoints.length === 1 ? 0 : n]!;
    if (!sameValues(workspace.written.zeroPoints, perColumn)) {
      writeTexture2D(gl, workspace.zeroPoints, formats.rgba32i, weights.columnBlocks, 1, perColumn);
      workspace.written.zeroPoints = perColumn;
    }
  }
  runPass(backend, rawProgram(backend, matMulInt8Source(subtractZero)), {
    framebuffer: workspace.framebuffers.acc,
    width: weights.columnBlocks,
    height: rowBlocks,
    textures: {
      a: { texture: workspace.aPacked },
      b: { texture: weights.texture },
      bZeroPoint: { texture: workspace.zeroPoints },
    },
    ints: { kBlocks: weights.kBlocks, slabRows: workspace.slabRows },
  });

  const scaleBias = interleave(epilogue, N);
  if (!sameValues(workspace.written.scaleBias, scaleBias)) {
    writeTexture2D(gl, workspace.scaleBias, formats.rg32f, N, 1, scaleBias);
    workspace.written.scaleBias = scaleBias;
  }
  // A packed [M, N] output is laid out as plain 2×2 blocks when tfjs keeps its texture shape at
  // [even(M), even(N)]; other shapes (squarified past the size limit) take the unpacked epilogue.
  const dtype = attrs.requantize ? 'int32' : 'float32';
  let out = allocateOutput(backend, [M, N], dtype, true);
  let source = INT8_EPILOGUE_PACKED_SOURCE;
  if (out.texShape[0] !== M + (M % 2) || out.texShape[1] !== N + (N % 2)) {
    backend.disposeIntermediateTensorInfo(out.info);
    out = allocateOutput(backend, [M, N], dtype);
    source = INT8_EPILOGUE_SOURCE;
  }
  const requantize = requantizeUniformsByName(attrs.requantize);
  runPass(backend, rawProgram(backend, source), {
    targets: [{ texture: out.texture }],
    width: out.width,
    height: out.height,
    textures: {
      acc: { texture: workspace.acc, array: true },
      epilogue: { texture: workspace.scaleBias },
    },
    ints: {
      rows: M,
      columns: N,
      outWidth: out.width,
      hasBias: epilogue.bias ? 1 : 0,
      activation: ACTIVATION_CODES[attrs.activation],
      ...requantize.ints,
    },
    floats: requantize.floats,
  });
  return out.info;
}
