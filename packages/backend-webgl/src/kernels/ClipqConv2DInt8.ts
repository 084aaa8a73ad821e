/**
 * ClipqConv2DInt8 for backend 'webgl': im2col on the GPU, padded with the input zero point (on WebGL2
 * written straight into the int8 matmul's integer A texture; otherwise a tfjs program writing float
 * patches), then the package's exact int8 matmul with the filter codes viewed as
 * [kh·kw·Cin, Cout]. The view keeps the filter's dataId, so its RGBA8I texture is packed once and
 * reused by every call (and freed with the weights). A 1×1, stride-1, unpadded convolution is already
 * a matmul over pixels and skips im2col. Bit-identical to core's `conv2dInt8Impl`, because the matmul
 * is (exact int32 accumulation, the same float32 epilogue). With `attrs.pinnedWeights` the filter
 * input is absent: every path reads the pinned RGBA8I texture (the row-chunked and program paths
 * through ClipqMatMulInt8 with the pin passed on).
 */
import {
  ClipqConv2DInt8,
  type ClipqConv2DInt8Attrs,
  type ClipqConv2DInt8Inputs,
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type ClipqMatMulInt8Inputs,
  type ConvGeometry,
  convGeometry,
  type FusedMaxPoolAttrs,
  weightShape,
  withFusedMaxPool,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import {
  concat,
  engine,
  type KernelConfig,
  type KernelFunc,
  MaxPool,
  type NamedAttrMap,
  type NamedTensorMap,
  reshape,
  Slice,
  type Tensor,
  type TensorInfo,
  tidy,
} from '@tensorflow/tfjs-core';
import { rawPassesEnabled } from '../flags.js';
import { maxTextureSize } from '../gl/limits.js';
import { gl2, reshapedView } from '../gl/webgl_backend.js';
import { type PooledRows, pooledChunkImages } from '../mat_mul_int8_blocked.js';
import { epilogueValues } from '../mat_mul_int8_epilogue.js';
import { blockedOutputPacked, fitsIntegerPath, matMulInt8WebGL2 } from '../mat_mul_int8_webgl2.js';
import { packedB } from '../packed_weights.js';
import { pinnedTexture } from '../pinned_weights.js';
import { Im2ColInt8Program } from '../programs/im2col-int8-program.js';
import { BLOCK_ROWS } from '../programs/mat-mul-int8-program.js';

/**
 * Rows per matmul call: all of M when the integer path fits the texture size limit, else the largest
 * multiple of the 8-row block that does (the batch-16 layers of MobileNet reach M = 65,536 pixels,
 * which would otherwise fall to the float program, 3–5x slower).
 */
function rowsPerMatMul(backend: MathBackendWebGL, M: number, K: number, N: number): number {
  const gl = gl2(backend);
  if (!rawPassesEnabled() || fitsIntegerPath(gl, M, K, N)) return M;
  const limit = maxTextureSize(gl);
  const step = Math.floor(limit / BLOCK_ROWS) * BLOCK_ROWS;
  return fitsIntegerPath(gl, step, K, N) ? step : M;
}

/** [start, rows] chunks of equal size (the last one shorter) covering M rows. */
function rowRanges(M: number, step: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < M; start += step) ranges.push([start, Math.min(step, M - start)]);
  return ranges;
}

/** The pooled rows of a 2×2, stride-2, 'valid' pool over the conv's output, or null for other pools. */
function pooledRows(pool: FusedMaxPoolAttrs | null, g: ConvGeometry): PooledRows | null {
  if (
    pool?.poolSize.join() !== '2,2' ||
    pool.strides.join() !== '2,2' ||
    pool.pad !== 'valid' ||
    g.outHeight < 2 ||
    g.outWidth < 2
  ) {
    return null;
  }
  const poolWidth = Math.floor(g.outWidth / 2);
  return {
    convWidth: g.outWidth,
    convRowsPerImage: g.outHeight * g.outWidth,
    poolWidth,
    poolRowsPerImage: Math.floor(g.outHeight / 2) * poolWidth,
  };
}

type ConvArgs = { inputs: ClipqConv2DInt8Inputs; backend: unknown; attrs: NamedAttrMap };

/**
 * With `attrs.fusedMaxPool`, the pool runs inside the epilogue when the conv takes the raw im2col path
 * (2×2, stride 2, 'valid', whole images within the scratch budget); otherwise tfjs's MaxPool runs on
 * the conv's output. Either way the output is the pooled codes, bit-identical.
 */
export function clipqConv2DInt8(args: ConvArgs): Tensor {
  const pool = (args.attrs as unknown as ClipqConv2DInt8Attrs).fusedMaxPool ?? null;
  const { out, pooled } = convolve(args, pool);
  if (!pool || pooled) return out;
  try {
    return engine().runKernel(
      MaxPool,
      { x: out } as unknown as NamedTensorMap,
      {
        filterSize: pool.poolSize,
        strides: pool.strides,
        pad: pool.pad,
      } as unknown as NamedAttrMap,
    ) as Tensor;
  } finally {
    out.dispose();
  }
}

function convolve(
  args: ConvArgs,
  pool: FusedMaxPoolAttrs | null,
): { out: Tensor; pooled: boolean } {
  const backend = args.backend as MathBackendWebGL;
  const { x, filter, wScale, wZeroPoint, bias } = args.inputs;
  const attrs = args.attrs as unknown as ClipqConv2DInt8Attrs;
  const pinned = attrs.pinnedWeights ?? null;
  const filterShape = weightShape(ClipqConv2DInt8, filter, pinned);
  const [kh, kw, cin, cout] = filterShape as [number, number, number, number];
  if (x.shape.length !== 4 || filterShape.length !== 4 || x.shape[3] !== cin) {
    throw new Error(
      `ClipqConv2DInt8: expected x [B,H,W,${cin}] and a 4-D filter, got [${x.shape}] and [${filterShape}]`,
    );
  }
  // Looked up first, so that a missing key is reported by this kernel on every path.
  const pinnedWeights = pinned ? pinnedTexture(backend, ClipqConv2DInt8, pinned) : null;
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  const K = kh * kw * cin;
  const M = g.batch * g.outHeight * g.outWidth;
  const pointwise =
    kh === 1 &&
    kw === 1 &&
    g.strideHeight === 1 &&
    g.strideWidth === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0;
  const matMulAttrs: ClipqMatMulInt8Attrs = {
    aScale: attrs.xScale,
    aZeroPoint: attrs.xZeroPoint,
    transposeB: false,
    activation: attrs.activation,
    hasBias: attrs.hasBias,
    requantize: attrs.requantize ?? null,
    // The pinned [kh,kw,Cin,Cout] codes are the [K, Cout] B of the matmul, in the same texture.
    pinnedWeights: pinned ? { key: pinned.key, shape: [K, cout] } : null,
  };
  // The filter's codes viewed as B [K, Cout]: the same dataId, so its packing is cached per filter.
  const b: TensorInfo | null = pinned
    ? null
    : { dataId: filter.dataId, shape: [K, cout], dtype: 'int32' };
  const outShape = [g.batch, g.outHeight, g.outWidth, cout];
  const weights = { ...(b ? { b } : {}), bScale: wScale, bZeroPoint: wZeroPoint };
  if (!pointwise && rawPassesEnabled() && fitsIntegerPath(gl2(backend), M, K, cout)) {
    const packed = pinnedWeights ?? (b && packedB(backend, b, K, cout, false));
    if (packed) {
      // im2col straight into the matmul's integer A texture: no float patches tensor.
      const inputs = { a: x, ...weights, ...(bias ? { bias } : {}) } as ClipqMatMulInt8Inputs;
      const epilogue = epilogueValues(backend, inputs, matMulAttrs, cout);
      const dims = { M, K, N: cout };
      const rows = pooledRows(pool, g);
      const fused =
        rows !== null &&
        pooledChunkImages(
          g.batch,
          packed.kBlocks,
          packed.columnBlocks,
          rows,
          blockedOutputPacked(g.batch * rows.poolRowsPerImage, cout),
        ) > 0;
      const out = matMulInt8WebGL2(backend, inputs, matMulAttrs, dims, epilogue, packed, {
        x,
        geometry: g,
        ...(fused ? { pool: rows } : {}),
      });
      const shape = fused ? [g.batch, Math.floor(g.outHeight / 2), rows.poolWidth, cout] : outShape;
      const result = tidy(() => reshape(engine().makeTensorFromTensorInfo(out), shape));
      return { out: result, pooled: fused };
    }
  }
  let patches: TensorInfo;
  let release: () => void;
  if (pointwise) {
    // A packed [B,H,W,C] with W even (or one image row) has the packed [M, K] layout: the int8
    // matmul reads it in place. Otherwise (odd W) it is unpacked once.
    const samePackedLayout = x.shape[2]! % 2 === 0 || x.shape[0]! * x.shape[1]! === 1;
    const view = samePackedLayout
      ? { info: { dataId: x.dataId, shape: [M, K], dtype: x.dtype }, dispose: () => {} }
      : reshapedView(backend, x, [M, K]);
    patches = view.info;
    release = view.dispose;
  } else {
    patches = backend.runWebGLProgram(new Im2ColInt8Program(g), [x], 'int32', [[attrs.xZeroPoint]]);
    release = () => backend.disposeIntermediateTensorInfo(patches);
  }
  try {
    const out = tidy(() => {
      const inputs = { a: patches, ...weights, ...(attrs.hasBias && bias ? { bias } : {}) };
      const matMul = (a: TensorInfo) =>
        engine().runKernel(
          ClipqMatMulInt8,
          { ...inputs, a } as unknown as NamedTensorMap,
          matMulAttrs as unknown as NamedAttrMap,
        ) as Tensor;
      const step = rowsPerMatMul(backend, M, K, cout);
      const out =
        step >= M
          ? matMul(patches)
          : concat(
              rowRanges(M, step).map(([start, rows]) =>
                matMul(
                  engine().runKernel(
                    Slice,
                    { x: patches } as unknown as NamedTensorMap,
                    { begin: [start, 0], size: [rows, K] } as unknown as NamedAttrMap,
                  ) as Tensor,
                ),
              ),
            );
      return reshape(out, outShape);
    });
    return { out, pooled: false };
  } finally {
    release();
  }
}

/**
 * Marked `withFusedMaxPool`: this kernel honours `attrs.fusedMaxPool`, so core's int8 runtime passes a
 * Conv2D → MaxPooling2D pair in one call (the demo CNN's two pools then cost no pass).
 */
export const clipqConv2DInt8Config: KernelConfig = {
  kernelName: ClipqConv2DInt8,
  backendName: 'webgl',
  kernelFunc: withFusedMaxPool(clipqConv2DInt8 as unknown as KernelFunc),
};
