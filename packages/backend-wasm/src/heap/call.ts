/**
 * One kernel invocation on a Heap: hands out addresses for inputs and outputs, and scratch that is
 * freed at the end. In zero-copy mode inputs and outputs are tfjs's own buffers; in copy mode they are
 * copied into the module's memory and back.
 */
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { Heap } from './heap.js';

const BYTES: Record<string, number> = { float32: 4, int32: 4 };

export class HeapCall {
  private readonly temporaries: number[] = [];
  private readonly outputs = new Map<
    number,
    { shape: number[]; dtype: DataType; info: TensorInfo | null }
  >();

  constructor(readonly heap: Heap) {}

  /** Scratch freed by `end()`. Allocate everything before making views: allocation may grow memory. */
  alloc(bytes: number): number {
    const ptr = this.heap.malloc(bytes);
    this.temporaries.push(ptr);
    return ptr;
  }

  /** Copies a small host array (parameters) to `ptr`, through a view made now. */
  write(ptr: number, values: Float32Array | Int32Array | Float64Array): void {
    if (ptr % values.BYTES_PER_ELEMENT === 0)
      this.heap.viewLike(values).set(values, ptr / values.BYTES_PER_ELEMENT);
    else
      this.heap
        .bytes()
        .set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), ptr);
  }

  input(info: TensorInfo): number {
    if (this.heap.zeroCopy) return this.heap.offsetOf(info);
    const values = this.heap.backend.readSync(info.dataId) as Float32Array | Int32Array;
    const ptr = this.alloc(values.byteLength);
    new Uint8Array(this.heap.memory.buffer, ptr, values.byteLength).set(
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
    return ptr;
  }

  output(shape: number[], dtype: DataType): number {
    const size = shape.reduce((a, b) => a * b, 1);
    if (this.heap.zeroCopy) {
      const info = this.heap.backend.makeOutput(shape, dtype);
      const ptr = this.heap.offsetOf(info);
      this.outputs.set(ptr, { shape, dtype, info });
      return ptr;
    }
    const ptr = this.alloc(size * BYTES[dtype]!);
    this.outputs.set(ptr, { shape, dtype, info: null });
    return ptr;
  }

  /** The TensorInfo of an output written at `ptr` (copied out in copy mode). Call before `end()`. */
  result(ptr: number): TensorInfo {
    const output = this.outputs.get(ptr)!;
    if (output.info) return output.info;
    const size = output.shape.reduce((a, b) => a * b, 1);
    const values =
      output.dtype === 'int32'
        ? this.heap.i32(ptr, size).slice()
        : this.heap.f32(ptr, size).slice();
    output.info = this.heap.backend.makeOutput(output.shape, output.dtype, undefined, values);
    return output.info;
  }

  /** Drops an output that will not be returned (its tfjs data in zero-copy mode). */
  discard(ptr: number): void {
    const output = this.outputs.get(ptr);
    if (!output) return;
    this.outputs.delete(ptr);
    if (output.info) this.heap.backend.disposeData(output.info.dataId, true);
  }

  end(): void {
    for (const ptr of this.temporaries) this.heap.free(ptr);
    this.temporaries.length = 0;
  }
}
