/**
 * Access to tfjs-backend-webgl internals that clipq's raw WebGL2 passes need: the GL context, a tensor's
 * texture in a layout a shader can address (dense, unpacked, row-major), and tfjs-owned output
 * textures. Everything here goes through MathBackendWebGL's public methods.
 */

import type { GPGPUContext, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** tfjs's `TextureUsage.RENDER` (tex_util.ts); the enum is not exported from the package. */
const TEXTURE_USAGE_RENDER = 0;

interface TextureData {
  shape: number[];
  dtype: DataType;
  values: unknown;
  texture: { texture: WebGLTexture; texShape: [number, number] } | null;
  texShape: [number, number] | null;
  isPacked: boolean;
  usage: number;
  slice?: { flatOffset: number; origDataId: DataId };
}

export function textureData(backend: MathBackendWebGL, dataId: DataId): TextureData {
  return (backend as unknown as { texData: { get(id: DataId): TextureData } }).texData.get(dataId);
}

export function gl2(backend: MathBackendWebGL): WebGL2RenderingContext {
  return backend.gpgpu.gl as WebGL2RenderingContext;
}

export function gpgpu(backend: MathBackendWebGL): GPGPUContext {
  return backend.gpgpu;
}

/** A tensor's values as a dense float texture: element i lives at texel (i + flatOffset) of `width`. */
export interface DenseTexture {
  texture: WebGLTexture;
  width: number;
  flatOffset: number;
  /** Frees the unpacked copy, when one was made. */
  dispose(): void;
}

export function denseTexture(backend: MathBackendWebGL, info: TensorInfo): DenseTexture {
  let source = info;
  let temporary: TensorInfo | null = null;
  if (textureData(backend, info.dataId).isPacked) {
    temporary = backend.unpackTensor(info);
    source = temporary;
  }
  backend.uploadToGPU(source.dataId);
  const data = textureData(backend, source.dataId);
  return {
    texture: data.texture!.texture,
    width: data.texShape![1],
    flatOffset: data.slice?.flatOffset ?? 0,
    dispose: () => {
      if (temporary) backend.disposeIntermediateTensorInfo(temporary);
    },
  };
}

/**
 * A tensor's texture as tfjs holds it, for a raw pass that addresses tfjs's layouts itself: packed
 * (2×2 values per texel; tfjs's packed layouts have no offset, so a packed slice view is unpacked
 * first) or unpacked, and the texture's width in texels.
 */
export interface SampledTensor {
  texture: WebGLTexture;
  packed: boolean;
  width: number;
  flatOffset: number;
  dispose(): void;
}

export function sampledTensor(backend: MathBackendWebGL, info: TensorInfo): SampledTensor {
  const data = textureData(backend, info.dataId);
  if (data.isPacked && data.slice) {
    const dense = denseTexture(backend, info);
    return { ...dense, packed: false };
  }
  backend.uploadToGPU(info.dataId);
  const columns = data.texShape![1];
  return {
    texture: data.texture!.texture,
    packed: data.isPacked,
    width: data.isPacked ? Math.ceil(columns / 2) : columns,
    flatOffset: data.slice?.flatOffset ?? 0,
    dispose: () => {},
  };
}

/**
 * A new tfjs tensor whose float texture is allocated for a raw pass to render into. `width`/`height`
 * are the physical texels; a packed texture holds 2×2 values per texel.
 */
export function allocateOutput(
  backend: MathBackendWebGL,
  shape: number[],
  dtype: DataType,
  packed = false,
): { info: TensorInfo; texture: WebGLTexture; width: number; height: number; texShape: number[] } {
  const info = backend.makeTensorInfo(shape, dtype);
  const data = textureData(backend, info.dataId);
  data.usage = TEXTURE_USAGE_RENDER;
  data.isPacked = packed;
  backend.uploadToGPU(info.dataId);
  const [rows, columns] = data.texShape!;
  const [width, height] = packed ? [Math.ceil(columns / 2), Math.ceil(rows / 2)] : [columns, rows];
  return { info, texture: data.texture!.texture, width, height, texShape: [rows, columns] };
}

/** The values of a small tensor on the CPU (free when tfjs still holds them there, a sync otherwise). */
export function readValues(backend: MathBackendWebGL, info: TensorInfo): ArrayLike<number> {
  return backend.readSync(info.dataId) as ArrayLike<number>;
}

/**
 * `info` seen with another shape of the same size, as tfjs's own Reshape does for unpacked textures
 * (same dataId). A packed tensor is unpacked first, because packed layouts depend on the shape.
 */
export function reshapedView(
  backend: MathBackendWebGL,
  info: TensorInfo,
  shape: number[],
): { info: TensorInfo; dispose(): void } {
  let source = info;
  let temporary: TensorInfo | null = null;
  if (textureData(backend, info.dataId).isPacked) {
    temporary = backend.unpackTensor(info);
    source = temporary;
  }
  return {
    info: { dataId: source.dataId, shape, dtype: source.dtype },
    dispose: () => {
      if (temporary) backend.disposeIntermediateTensorInfo(temporary);
    },
  };
}
