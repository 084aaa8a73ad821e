/**
 * Loading clipq.wasm. Compilation is the only asynchronous step, and kernels are synchronous, so:
 * - in Node the module is compiled synchronously on first use (`new WebAssembly.Module`, no size limit
 *   there), so kernels are fast from the first call without any await;
 * - in browsers `ready()` fetches and compiles it (registering the kernels starts this); until it
 *   resolves, the kernels compute with core's exact Impl functions (same results, slower).
 * Either way `await ready()` guarantees that the SIMD kernels are in use.
 */
import { clipqWasmPath, onClipqWasmPathChange } from './wasm_path.js';

let compiled: WebAssembly.Module | null = null;
let loading: Promise<void> | null = null;
let loadError: Error | null = null;
onClipqWasmPathChange(() => resetClipqWasmLoad());

interface NodeFs {
  readFileSync(path: string | URL): Uint8Array;
}

/** Node's fs, without a static import that browser bundlers would have to stub. */
function nodeFs(): NodeFs | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } })
    .process;
  return (proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined) ?? null;
}

function isFileLocation(path: string | URL): boolean {
  return path instanceof URL ? path.protocol === 'file:' : !/^[a-z]+:\/\//i.test(path);
}

/** The compiled module, compiling it synchronously in Node; null in browsers until `ready()` resolves. */
export function compiledModule(): WebAssembly.Module | null {
  if (compiled || loadError) return compiled;
  const fs = nodeFs();
  const path = clipqWasmPath();
  if (fs && isFileLocation(path)) {
    try {
      compiled = new WebAssembly.Module(fs.readFileSync(path) as BufferSource);
    } catch (error) {
      loadError = error as Error;
    }
  }
  return compiled;
}

/** Resolves once clipq.wasm is compiled (rejects with the load error, e.g. a wrong path). */
export function ready(): Promise<void> {
  if (compiled) return Promise.resolve();
  if (loadError) return Promise.reject(loadError);
  if (compiledModule()) return Promise.resolve();
  loading ??= (async () => {
    const response = await fetch(clipqWasmPath());
    if (!response.ok)
      throw new Error(
        `@clipq/backend-wasm: fetching ${String(clipqWasmPath())} failed: ${response.status}`,
      );
    compiled = await WebAssembly.compile(await response.arrayBuffer());
  })().catch((error: Error) => {
    loadError = error;
    loading = null;
    throw error;
  });
  return loading;
}

/** Forgets a failed load so that the next use retries (after `setClipqWasmPath`). */
export function resetClipqWasmLoad(): void {
  loadError = null;
  loading = null;
}

/** The error of a failed load, if any (kernels then keep using core's Impl). */
export function clipqWasmLoadError(): Error | null {
  return loadError;
}
