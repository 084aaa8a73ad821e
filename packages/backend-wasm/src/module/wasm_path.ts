/**
 * Where clipq.wasm is loaded from. Node reads it next to this package's dist by default; browsers (and
 * bundlers that do not copy the file) set the URL, like tfjs-wasm's `setWasmPaths`.
 */
let customPath: string | URL | null = null;
let listener: (() => void) | null = null;

/**
 * Sets the URL or file path of clipq.wasm. Call before `ready()` / the first clipq kernel on wasm; a
 * failed earlier load is forgotten and retried from the new path.
 */
export function setClipqWasmPath(path: string | URL): void {
  customPath = path;
  listener?.();
}

export function onClipqWasmPathChange(callback: () => void): void {
  listener = callback;
}

export function clipqWasmPath(): string | URL {
  return customPath ?? new URL('../clipq.wasm', import.meta.url);
}
