/**
 * The blocked passes of the WebGL2 int8 matmul (pack A, 8×4-blocked int32 matmul, epilogue), run in
 * row chunks when a product's scratch would exceed `scratchBudget.maxBytesPerCall`: the shared scratch
 * (scratch_pool.ts) is then bounded whatever the batch, instead of growing with the largest M (a
 * batch-16 MobileNet's first convolution alone needs 8 MB of A and accumulators). Each chunk packs its
 * rows of A (or im2col patches), multiplies them, and writes its band of the output texture; the
 * epilogue discards texels of other chunks in the band's partial first and last texture rows.
 */
import type { ConvGeometry } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { rawProgram, runPass } from './gl/raw_pass.js';
import type { SampledTensor } from './gl/webgl_backend.js';
import { im2colPackSource } from './programs/im2col-pack-program.js';
import { int8EpiloguePackedSource, int8EpilogueSource } from './programs/int8-epilogue-program.js';
import {
  int8PooledEpiloguePackedSource,
  int8PooledEpilogueSource,
} from './programs/int8-pooled-epilogue-program.js';
import { BLOCK_ROWS, matMulInt8Source } from './programs/mat-mul-int8-program.js';
import { PACK_A_PACKED_SOURCE, PACK_A_SOURCE } from './programs/pack-a-program.js';
import { xLayout } from './programs/x-reader-glsl.js';
import { workspaceFor } from './scratch_pool.js';
import type { PackedB } from './weight_textures.js';

/**
 * Scratch bytes (A's RGBA16I rows plus the RGBA32I accumulators) one blocked call may use; larger
 * products run in row chunks. Chunks never go below `minRows`, so a huge K cannot split M into
 * slivers. Set to Infinity to run every product in one call.
 */
export const scratchBudget = { maxBytesPerCall: 1 << 20, minRows: 256 };

/** Rows per call: all of M, or a multiple of the 8-row block whose scratch fits the budget. */
export function chunkRows(M: number, kBlocks: number, columnBlocks: number): number {
  // Per row: kBlocks RGBA16I texels of A, and columnBlocks RGBA32I texels of accumulators.
  const bytesPerRow = kBlocks * 8 + columnBlocks * 16;
  const rows = Math.floor(scratchBudget.maxBytesPerCall / bytesPerRow / BLOCK_ROWS) * BLOCK_ROWS;
  const step = Math.max(rows, scratchBudget.minRows);
  return Math.min(step, M);
}

/**
 * A 2×2, stride-2, 'valid' max pool fused into the epilogue (int8-pooled-epilogue-program.ts): the
 * product's rows are the conv's pixels, the output's rows the pooled pixels.
 */
export interface PooledRows {
  convWidth: number;
  convRowsPerImage: number;
  poolWidth: number;
  poolRowsPerImage: number;
}

/**
 * Images per call of a pooled product (whole images, so that no pool window straddles two calls), or 0
 * when one image alone exceeds the scratch budget (the caller then pools separately). A packed output
 * with an odd number of pooled rows per image takes images in pairs (a packed texel holds two rows).
 */
export function pooledChunkImages(
  images: number,
  kBlocks: number,
  columnBlocks: number,
  pool: PooledRows,
  packedOut: boolean,
): number {
  const M = images * pool.convRowsPerImage;
  const rows = chunkRows(M, kBlocks, columnBlocks);
  if (rows >= M) return images;
  let perCall = Math.floor(rows / pool.convRowsPerImage);
  if (packedOut && pool.poolRowsPerImage % 2 === 1) perCall -= perCall % 2;
  return perCall;
}

export interface BlockedCall {
  a: SampledTensor;
  im2col: { x: TensorInfo; geometry: ConvGeometry } | undefined;
  weights: PackedB;
  zeroPoints: WebGLTexture;
  scaleBias: WebGLTexture;
  subtractZero: boolean;
  foldedStride: number;
  aZeroPoint: number;
  dims: { M: number; K: number; N: number };
  out: { texture: WebGLTexture; width: number; height: number };
  packedOut: boolean;
  epilogueInts: Record<string, number>;
  floats: Record<string, number>;
  /** A fused max pool (the caller checked `pooledChunkImages` > 0); out then has the pooled rows. */
  pool?: PooledRows;
}

/** The output texture rows holding rows [start, end) of the [M, N] output, and their count. */
function outputBand(call: BlockedCall, start: number, end: number): { y: number; height: number } {
  const { N } = call.dims;
  const { width, height } = call.out;
  // Flat texel indices of the band: packed texels hold row pairs × column pairs.
  const perRow = call.packedOut ? Math.ceil(N / 2) : N;
  const [first, last] = call.packedOut
    ? [(start / 2) * perRow, Math.ceil(end / 2) * perRow]
    : [start * perRow, end * perRow];
  const y = Math.floor(first / width);
  return { y, height: Math.min(height, Math.ceil(last / width)) - y };
}

export function runBlocked(backend: MathBackendWebGL, call: BlockedCall): void {
  const { M, K } = call.dims;
  const { a, im2col, weights } = call;
  const { pool } = call;
  const step = pool
    ? pooledChunkImages(
        M / pool.convRowsPerImage,
        weights.kBlocks,
        weights.columnBlocks,
        pool,
        call.packedOut,
      ) * pool.convRowsPerImage
    : chunkRows(M, weights.kBlocks, weights.columnBlocks);
  const chunked = step < M;
  const packSource = im2col
    ? im2colPackSource(im2col.geometry, xLayout(a, im2col.geometry.inChannels))
    : a.packed
      ? PACK_A_PACKED_SOURCE
      : PACK_A_SOURCE;
  const epilogueSource = pool
    ? call.packedOut
      ? int8PooledEpiloguePackedSource(chunked)
      : int8PooledEpilogueSource(chunked)
    : call.packedOut
      ? int8EpiloguePackedSource(chunked)
      : int8EpilogueSource(chunked);
  // Output rows per A row: a quarter (a little less for odd sizes) with a fused pool.
  const outRow = (row: number) =>
    pool ? (row / pool.convRowsPerImage) * pool.poolRowsPerImage : row;
  for (let start = 0; start < M; start += step) {
    const rows = Math.min(step, M - start);
    const rowBlocks = Math.ceil(rows / BLOCK_ROWS);
    const workspace = workspaceFor(
      backend,
      weights,
      weights.kBlocks,
      weights.columnBlocks,
      rowBlocks,
    );
    const { slabs, slabRows } = workspace.a;
    const accFold = workspace.accFold;
    // The pass that fills A's slabs: im2col of a convolution's input, or A itself, read in place
    // when packed (the previous int8 layer's codes) and densely otherwise.
    runPass(backend, rawProgram(backend, packSource), {
      framebuffer: workspace.aFramebuffer,
      width: weights.kBlocks * slabs,
      height: slabs === 1 ? rowBlocks * BLOCK_ROWS : slabRows,
      textures: { [im2col ? 'x' : 'a']: { texture: a.texture } },
      ints: {
        kBlocks: weights.kBlocks,
        slabRows,
        slabs,
        rows: M,
        rowOffset: start,
        ...(im2col
          ? { xWidth: a.width, xOffset: a.flatOffset, xZeroPoint: call.aZeroPoint }
          : {
              depth: K,
              aWidth: a.width,
              ...(a.packed ? {} : { aOffset: a.flatOffset }),
              aZeroPoint: call.aZeroPoint,
            }),
      },
    });

    runPass(backend, rawProgram(backend, matMulInt8Source(call.subtractZero, call.foldedStride)), {
      framebuffer: workspace.accFramebuffer,
      width: weights.columnBlocks * accFold.slabs,
      height: accFold.slabs === 1 ? rowBlocks : accFold.slabRows,
      textures: {
        a: { texture: workspace.aPacked },
        b: { texture: weights.texture },
        bZeroPoint: { texture: call.zeroPoints },
      },
      ints: {
        kBlocks: weights.kBlocks,
        slabRows,
        columnBlocks: weights.columnBlocks,
        rowBlocks,
        accSlabs: accFold.slabs,
        accSlabRows: accFold.slabRows,
      },
    });

    const [outStart, outEnd] = [outRow(start), outRow(start + rows)];
    const band = chunked ? outputBand(call, outStart, outEnd) : { y: 0, height: call.out.height };
    runPass(backend, rawProgram(backend, epilogueSource), {
      targets: [{ texture: call.out.texture }],
      width: call.out.width,
      height: band.height,
      y: band.y,
      textures: {
        acc: { texture: workspace.acc, array: true },
        epilogue: { texture: call.scaleBias },
      },
      ints: {
        ...call.epilogueInts,
        accSlabs: accFold.slabs,
        accSlabRows: accFold.slabRows,
        ...(pool ?? {}),
        rowOffset: start,
        chunkStart: outStart,
        // The last chunk also writes the texels past the last row (padding of the texture's last row).
        chunkEnd: start + rows >= M ? 1 << 30 : outEnd,
      },
      floats: call.floats,
    });
  }
}
