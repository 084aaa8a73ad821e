/**
 * Where the kernels' data lives. Zero-copy mode runs clipq.wasm on tfjs-wasm's own memory
 * (`backend.wasm.asm.memory`): tensors are read and written in place at their `memoryOffset`, and
 * scratch comes from tfjs's `_malloc`. When that memory is missing or shared (the threaded build), the
 * module gets a memory of its own and inputs/outputs are copied (copy mode).
 *
 * Memory growth detaches ArrayBuffer views, so views are made fresh by `f32`/`i32`/… after allocating.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { ClipqExports } from '../module/exports.js';
import { compiledModule } from '../module/loader.js';
import { Arena } from './arena.js';

/** The parts of tfjs-wasm's BackendWasm that clipq uses. */
export interface WasmBackendLike {
  wasm: {
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  dataIdMap: {
    get(dataId: object): { memoryOffset: number } | undefined;
    has(dataId: object): boolean;
  };
  makeOutput(
    shape: number[],
    dtype: DataType,
    memoryOffset?: number,
    values?: ArrayLike<number>,
  ): TensorInfo;
  readSync(dataId: object): ArrayLike<number>;
  disposeData(dataId: object, force?: boolean): boolean;
}

let forceCopy = false;

/** Testing/diagnostics: use the copy fallback even where zero-copy is possible (for new heaps). */
export function setClipqWasmCopyMode(enabled: boolean): void {
  forceCopy = enabled;
}

export class Heap {
  readonly exports: ClipqExports;
  readonly memory: WebAssembly.Memory;
  readonly zeroCopy: boolean;
  private readonly arena: Arena | null;
  /** Views of the whole memory, remade when growth replaces the buffer. */
  private views: {
    buffer: ArrayBuffer | null;
    u8?: Uint8Array;
    i32?: Int32Array;
    f32?: Float32Array;
    f64?: Float64Array;
  } = { buffer: null };

  constructor(
    readonly backend: WasmBackendLike,
    module: WebAssembly.Module,
  ) {
    const shared = backend.wasm.asm?.memory;
    const usable = shared instanceof WebAssembly.Memory && !isShared(shared.buffer) && !forceCopy;
    this.zeroCopy = usable;
    this.memory = usable ? shared : new WebAssembly.Memory({ initial: 16 });
    this.arena = usable ? null : new Arena(this.memory);
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as ClipqExports;
  }

  malloc(bytes: number): number {
    const size = Math.max(16, bytes);
    return this.arena ? this.arena.malloc(size) : this.backend.wasm._malloc(size) >>> 0;
  }

  free(ptr: number): void {
    if (this.arena) this.arena.free(ptr);
    else this.backend.wasm._free(ptr);
  }

  /** The address of a tensor's data in zero-copy mode. */
  offsetOf(info: TensorInfo): number {
    const data = this.backend.dataIdMap.get(info.dataId);
    if (!data) throw new Error('@clipq/backend-wasm: tensor data is not on the wasm backend');
    return data.memoryOffset;
  }

  private currentViews() {
    const buffer = this.memory.buffer as ArrayBuffer;
    if (this.views.buffer !== buffer) this.views = { buffer };
    return this.views;
  }

  /** Bytes of the whole memory: one view per buffer, not one per call (small writes were ~3% of a b1 predict). */
  bytes(): Uint8Array {
    const views = this.currentViews();
    if (!views.u8) views.u8 = new Uint8Array(views.buffer!);
    return views.u8;
  }

  /** The whole memory as the element type of `values` (Int32Array, Float32Array or Float64Array). */
  viewLike<T extends Int32Array | Float32Array | Float64Array>(values: T): T {
    const views = this.currentViews();
    const buffer = views.buffer!;
    if (values instanceof Int32Array) {
      if (!views.i32) views.i32 = new Int32Array(buffer);
      return views.i32 as T;
    }
    if (values instanceof Float32Array) {
      if (!views.f32) views.f32 = new Float32Array(buffer);
      return views.f32 as T;
    }
    if (!views.f64) views.f64 = new Float64Array(buffer);
    return views.f64 as T;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  f64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
}

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
}

const heaps = new WeakMap<object, Heap>();

/** The heap of this backend instance, or null while clipq.wasm is not compiled yet (browsers). */
export function heapFor(backend: WasmBackendLike): Heap | null {
  let heap = heaps.get(backend);
  if (heap) return heap;
  const module = compiledModule();
  if (!module) return null;
  heap = new Heap(backend, module);
  heaps.set(backend, heap);
  return heap;
}
