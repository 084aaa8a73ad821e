/**
 * Where clipq.wasm is loaded from. Node reads it next to this package's dist by default; browsers (and
 * bundlers that do not copy the file) set the URL, like tfjs-wasm's `setWasmPaths`.
 */
let customPath: string | URL | null = null;

/** Sets the URL or file path of clipq.wasm. Call before `ready()` / the first clipq kernel on wasm. */
export function setClipqWasmPath(path: string | URL): void {
  customPath = path;
}

export function clipqWasmPath(): string | URL {
  return customPath ?? new URL('../clipq.wasm', import.meta.url);
}
