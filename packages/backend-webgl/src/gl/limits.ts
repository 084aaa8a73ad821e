/**
 * GL limits, read once per context. The limits of a context never change, yet the kernels check them on
 * every call (does this layer fit the integer path, the scratch textures, the range passes?); each
 * `gl.getParameter` goes through the WebGL bindings (about 0.2 µs in headless Chromium, against 0.01-0.05
 * µs for this lookup). Keyed by the context object: a new backend has a new context and reads its own.
 */
const maxTextureSizes = new WeakMap<WebGLRenderingContext | WebGL2RenderingContext, number>();

/** `gl.MAX_TEXTURE_SIZE`: the largest width or height of a 2-D texture. */
export function maxTextureSize(gl: WebGLRenderingContext | WebGL2RenderingContext): number {
  const cached = maxTextureSizes.get(gl);
  if (cached !== undefined) return cached;
  // A lost context answers null (or 0): not cached, so the real limit is read once it is restored.
  const size = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number | null;
  if (typeof size !== 'number' || size <= 0) return 0;
  maxTextureSizes.set(gl, size);
  return size;
}
