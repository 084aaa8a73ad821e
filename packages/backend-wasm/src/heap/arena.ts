/**
 * A small first-fit allocator over a module-owned WebAssembly.Memory, for the copy fallback (when
 * tfjs-wasm's memory is missing or shared). Blocks are 16-byte aligned; the memory grows on demand.
 */
const ALIGN = 16;
const PAGE = 65536;

export class Arena {
  /** Live blocks, sorted by offset. */
  private readonly blocks: Array<{ offset: number; size: number }> = [];

  constructor(readonly memory: WebAssembly.Memory) {}

  malloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let offset = ALIGN; // never hand out 0, which means "none" to the kernels
    let index = 0;
    for (; index < this.blocks.length; index++) {
      const block = this.blocks[index]!;
      if (block.offset - offset >= size) break;
      offset = block.offset + block.size;
    }
    const end = offset + size;
    if (end > this.memory.buffer.byteLength) {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    }
    this.blocks.splice(index, 0, { offset, size });
    return offset;
  }

  free(ptr: number): void {
    const index = this.blocks.findIndex((block) => block.offset === ptr);
    if (index >= 0) this.blocks.splice(index, 1);
  }
}
