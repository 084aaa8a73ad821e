/**
 * Pinned weights (core's `QuantizedTensor.pack()`): the packed copy becomes the only copy of a weight's
 * codes, so the int32 codes tensor can be disposed and the weight costs 1 byte per code. On WebGL2 the
 * copy is the same RGBA8I texture the kernels pack on first use (a [rows, columns] view of the codes:
 * matmul b [K,N], conv filter [kh·kw·Cin, Cout], depthwise filter [kh·kw, Cin·multiplier]), kept in the
 * packed-weight store under the pin key. Where no integer texture can hold it (WebGL1, or a weight past
 * the texture size limit) the copy is a host Int8Array, also 1 byte per code. Paths that read int32
 * codes tensors (the float-texture programs) get a temporary codes tensor per call (`pinnedCodes`):
 * nothing but the 1-byte copy stays resident.
 */
import type { PinnableKernel, PinnedWeightsAttr, PinRequest } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { findBackend, type TensorInfo } from '@tensorflow/tfjs-core';
import { maxTextureSize } from './gl/limits.js';
import { gl2 } from './gl/webgl_backend.js';
import {
  type PackedB,
  pinnedEntry,
  releaseCodes,
  releaseEntry,
  storePinned,
  uploadWeights,
  weightLayout,
} from './packed_weights.js';

/** Core's `PinnedWeightsAttr`: the pin key and the weight input's shape. */
export type PinnedWeights = PinnedWeightsAttr;

interface PinnedRecord {
  backend: MathBackendWebGL;
  kernelName: PinnableKernel;
  shape: number[];
  rows: number;
  columns: number;
  /** The codes row-major when no texture holds them (WebGL1, or past the texture size limit). */
  host: Int8Array | null;
}

const records = new Map<object, PinnedRecord>();

/** The [rows, columns] matrix the kernel reads a weight of `shape` as, or null for a wrong rank. */
export function pinnedMatrix(
  kernelName: PinnableKernel,
  shape: readonly number[],
): { rows: number; columns: number } | null {
  const rank = kernelName === 'ClipqMatMulInt8' ? 2 : 4;
  if (shape.length !== rank) return null;
  if (kernelName === 'ClipqDepthwiseConv2DInt8') {
    const [kh, kw, channels, multiplier] = shape as [number, number, number, number];
    return { rows: kh * kw, columns: channels * multiplier };
  }
  const columns = shape[rank - 1]!;
  return { rows: shape.slice(0, -1).reduce((a, b) => a * b, 1), columns };
}

function integerTextureFits(backend: MathBackendWebGL, rows: number, columns: number): boolean {
  const gl = backend.gpgpu.gl;
  if (typeof WebGL2RenderingContext === 'undefined' || !(gl instanceof WebGL2RenderingContext))
    return false;
  const limit = maxTextureSize(gl);
  const { width, height } = weightLayout(rows, columns);
  return width <= limit && height <= limit;
}

function releasePinned(key: object): void {
  records.delete(key);
  releaseEntry(key);
}

/** The cache's `release`: frees pinned weights under a pin key, or the packing of a codes dataId. */
export function releaseWeights(key: object): void {
  if (records.has(key)) releasePinned(key);
  else releaseCodes(key);
}

/** Packs `request.codes` under `key` (replacing what was pinned there); false if it cannot. */
export function pin(key: object, request: PinRequest): boolean {
  const backend = findBackend('webgl') as MathBackendWebGL | undefined;
  const matrix = pinnedMatrix(request.kernelName, request.codes.shape);
  if (!backend || !matrix) return false;
  releasePinned(key);
  const { rows, columns } = matrix;
  // Through the engine, which moves the data first if the codes live on another backend.
  const codes = request.codes.dataSync();
  const onTexture = integerTextureFits(backend, rows, columns);
  if (onTexture) storePinned(backend, key, uploadWeights(backend, 'matmul', codes, rows, columns));
  const host = onTexture ? null : Int8Array.from(codes);
  records.set(key, {
    backend,
    kernelName: request.kernelName,
    shape: [...request.codes.shape],
    rows,
    columns,
    host,
  });
  return true;
}

/** Reads an RGBA8I weight texture back and drops the padding of its layout (packed_weights.ts). */
function readWeightTexture(backend: MathBackendWebGL, weights: PackedB): Int8Array {
  const gl = gl2(backend);
  const { width, height, stride } = weights.texels;
  const framebuffer = gl.createFramebuffer()!;
  const texels = new Int32Array(width * height * 4);
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, weights.texture, 0);
  gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
  // Integer color buffers always read back as RGBA_INTEGER / INT.
  gl.readPixels(0, 0, width, height, gl.RGBA_INTEGER, gl.INT, texels);
  gl.bindFramebuffer(gl.FRAMEBUFFER, backend.gpgpu.framebuffer);
  gl.deleteFramebuffer(framebuffer);
  const { K, N } = weights;
  const codes = new Int8Array(K * N);
  for (let k = 0; k < K; k++)
    for (let n = 0; n < N; n++) codes[k * N + n] = texels[k * stride + n]!;
  return codes;
}

function codesOf(key: object, record: PinnedRecord): Int8Array {
  if (record.host) return record.host.slice();
  return readWeightTexture(record.backend, pinnedEntry(record.backend, key)!);
}

/** The pinned codes as int8, row-major in the pinned shape; null if `key` is not pinned here. */
export function unpack(key: object): Int8Array | null {
  const record = records.get(key);
  return record ? codesOf(key, record) : null;
}

function pinnedRecord(
  backend: MathBackendWebGL,
  kernelName: string,
  pinned: PinnedWeights,
): PinnedRecord {
  const record = records.get(pinned.key);
  if (!record || record.backend !== backend) {
    throw new Error(
      `${kernelName}: pinned weights not found on backend 'webgl': released, or packed on another backend`,
    );
  }
  const matrix = pinnedMatrix(kernelName as PinnableKernel, pinned.shape);
  if (!matrix || matrix.rows !== record.rows || matrix.columns !== record.columns) {
    throw new Error(
      `${kernelName}: pinned weights of shape [${pinned.shape}] requested, but [${record.shape}] were pinned for ${record.kernelName}`,
    );
  }
  return record;
}

/** The pinned RGBA8I texture, or null when the weights are held on the host (no integer texture). */
export function pinnedTexture(
  backend: MathBackendWebGL,
  kernelName: string,
  pinned: PinnedWeights,
): PackedB | null {
  const record = pinnedRecord(backend, kernelName, pinned);
  return record.host ? null : pinnedEntry(backend, pinned.key);
}

/**
 * A temporary int32 codes tensor of `pinned.shape` for the paths that read codes tensors (WebGL1's
 * programs, the float fallback past the texture size limit). The caller disposes it.
 */
export function pinnedCodes(
  backend: MathBackendWebGL,
  kernelName: string,
  pinned: PinnedWeights,
): TensorInfo {
  const record = pinnedRecord(backend, kernelName, pinned);
  const codes = Int32Array.from(codesOf(pinned.key, record));
  return backend.makeTensorInfo([...pinned.shape], 'int32', codes);
}

/** Bytes of the pinned weights held on the host (the textures are counted with the packed store). */
export function hostPinnedBytes(): number {
  let total = 0;
  for (const record of records.values()) total += record.host?.byteLength ?? 0;
  return total;
}
