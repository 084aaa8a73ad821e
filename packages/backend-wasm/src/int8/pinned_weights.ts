/**
 * Weights pinned by `QuantizedTensor.pack()`: the copy kept here is the only copy of the codes (the
 * int32 codes tensor is disposed right after `pin`), so it lives under the caller's key, never under a
 * dataId, and the sweep of dead dataIds never sees it. About 1 byte per code:
 * - ClipqMatMulInt8 and ClipqConv2DInt8: the GEMM's int8 panels, the layout the unpinned path caches
 *   (K rounded up to 4, N to 8). The direct convolution re-derives its i16 weights from them per call,
 *   as it did from the int32 codes (its filters have at most 16·kh·N codes).
 * - ClipqDepthwiseConv2DInt8: the codes as int8 [kh·kw][C·multiplier], folded per call as before.
 */
import type { PinnableKernel, PinnedWeightsAttr, PinRequest } from '@clipq/core';
import { engine, type TensorInfo } from '@tensorflow/tfjs-core';
import { HeapCall } from '../heap/call.js';
import { type Heap, heapFor, type WasmBackendLike } from '../heap/heap.js';
import { codeBoundsOf } from '../module/exports.js';
import { type PackedB, packPanels, releasePacked, sweepPacked } from './packed_weights.js';

export interface PinnedWeights {
  heap: Heap;
  kernelName: PinnableKernel;
  /** The weight input's shape at pin time. */
  shape: number[];
  /** GEMM panels of the weights viewed as [K, N] (matmul, conv); null for depthwise. */
  panels: PackedB | null;
  /** int8 codes, row-major in `shape` (depthwise); 0 otherwise. */
  int8Ptr: number;
  bytes: number;
}

const pinned = new Map<object, PinnedWeights>();
const RANK: Record<PinnableKernel, number> = {
  ClipqMatMulInt8: 2,
  ClipqConv2DInt8: 4,
  ClipqDepthwiseConv2DInt8: 4,
};

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function releasePinned(key: object): void {
  const entry = pinned.get(key);
  if (!entry) return;
  pinned.delete(key);
  if (entry.panels?.ptr) entry.heap.free(entry.panels.ptr);
  if (entry.int8Ptr) entry.heap.free(entry.int8Ptr);
}

export function pinnedBytes(): number {
  let total = 0;
  for (const entry of pinned.values()) total += entry.bytes;
  return total;
}

/** PackedWeightCache.pin: false (nothing kept) without the module, or for codes outside int8. */
export function pinWeights(key: object, request: PinRequest): boolean {
  releasePinned(key);
  sweepPacked();
  const { kernelName, codes } = request;
  const backend = engine().findBackend('wasm') as unknown as WasmBackendLike | null;
  const heap = backend ? heapFor(backend) : null;
  if (!heap || codes.isDisposed) return false;
  if (codes.dtype !== 'int32' || codes.shape.length !== RANK[kernelName]) return false;
  const shape = codes.shape.slice();
  const count = sizeOf(shape);
  const N = shape[shape.length - 1]!;
  const call = new HeapCall(heap);
  try {
    // Codes that live on another backend are moved here by tfjs (the backend's DataStorage.get).
    const codesPtr = call.input(codes);
    if (kernelName === 'ClipqDepthwiseConv2DInt8') {
      const { min, max } = codeBoundsOf(heap.exports, codesPtr, count);
      if (min < -128 || max > 127) return false;
      const int8Ptr = heap.malloc(count);
      // Int8Array.set wraps modulo 2^8, exact for codes in int8. Views after the allocation.
      new Int8Array(heap.memory.buffer, int8Ptr, count).set(heap.i32(codesPtr, count));
      pinned.set(key, { heap, kernelName, shape, panels: null, int8Ptr, bytes: count });
      return true;
    }
    const panels = packPanels(heap, codesPtr, N === 0 ? 0 : count / N, N, false);
    if (!panels.ptr) return false;
    pinned.set(key, { heap, kernelName, shape, panels, int8Ptr: 0, bytes: panels.bytes });
    return true;
  } finally {
    call.end();
  }
}

/** The int32 codes of a pinned entry, row-major in its shape (for core's host-memory fallbacks). */
export function pinnedCodes(entry: PinnedWeights): Int32Array {
  const count = sizeOf(entry.shape);
  const { heap, panels } = entry;
  if (!panels) return Int32Array.from(new Int8Array(heap.memory.buffer, entry.int8Ptr, count));
  const call = new HeapCall(heap);
  try {
    const out = call.alloc(count * 4);
    heap.exports.unpackB(panels.ptr, panels.K, panels.N, panels.Kp, out);
    return heap.i32(out, count).slice();
  } finally {
    call.end();
  }
}

/** PackedWeightCache.unpack: the pinned codes as int8, row-major in the pinned shape. */
export function unpackPinned(key: object): Int8Array | null {
  const entry = pinned.get(key);
  return entry ? Int8Array.from(pinnedCodes(entry)) : null;
}

/**
 * The entry a kernel runs from, checked against the attribute: it must be pinned on this heap, in the
 * layout the kernel reads (panels for matmul and conv, int8 codes for depthwise), with as many codes
 * and output columns as `attr.shape`.
 */
export function pinnedWeightsFor(
  heap: Heap | null,
  kernelName: PinnableKernel,
  attr: PinnedWeightsAttr,
): PinnedWeights {
  const entry = pinned.get(attr.key);
  if (!entry || entry.heap !== heap)
    throw new Error(
      `${kernelName}: pinned weights not found on backend 'wasm': released, or packed on another backend`,
    );
  const wantsPanels = kernelName !== 'ClipqDepthwiseConv2DInt8';
  const last = (shape: number[]) => shape[shape.length - 1];
  if (
    wantsPanels !== (entry.panels !== null) ||
    sizeOf(attr.shape) !== sizeOf(entry.shape) ||
    last(attr.shape) !== last(entry.shape)
  )
    throw new Error(
      `${kernelName}: the weights pinned on backend 'wasm' were packed for ${entry.kernelName} ` +
        `[${entry.shape}], not for ${kernelName} [${attr.shape}]`,
    );
  return entry;
}

/**
 * Runs `body` with the pinned weights as a temporary int32 tensor on the backend (core's conv
 * fallbacks take a filter input), then frees it and any panels the fallback's matmul cached for it.
 */
export function withPinnedCodesTensor<T>(
  backend: WasmBackendLike,
  entry: PinnedWeights,
  shape: number[],
  body: (codes: TensorInfo) => T,
): T {
  const codes = backend.makeOutput(shape, 'int32', undefined, pinnedCodes(entry));
  try {
    return body(codes);
  } finally {
    releasePacked(codes.dataId);
    backend.disposeData(codes.dataId, true);
  }
}
