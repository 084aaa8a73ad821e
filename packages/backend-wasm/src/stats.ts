/**
 * Counts how each clipq kernel call on wasm was computed: by clipq.wasm's SIMD code, or by core's Impl
 * (before the module is loaded in a browser, or for inputs outside the int8 fast path's exact range).
 * Tests use it to prove that this package's kernels ran.
 */
const counts = { simd: new Map<string, number>(), impl: new Map<string, number>() };

export function countCall(kernelName: string, path: 'simd' | 'impl'): void {
  counts[path].set(kernelName, (counts[path].get(kernelName) ?? 0) + 1);
}

export interface ClipqWasmKernelStats {
  simd: Record<string, number>;
  impl: Record<string, number>;
}

export function clipqWasmKernelStats(): ClipqWasmKernelStats {
  return { simd: Object.fromEntries(counts.simd), impl: Object.fromEntries(counts.impl) };
}

export function resetClipqWasmKernelStats(): void {
  counts.simd.clear();
  counts.impl.clear();
}
