/**
 * GL limits, read once per context. `gl.getParameter` is a synchronous round trip to the driver (in
 * Chromium, to the GPU process), and the limits of a context never change, so the kernels' per-call
 * checks (does this layer fit the integer path, the scratch textures, the range passes?) read the cached
 * value. Keyed by the context object: a new backend has a new context and reads its own.
 */
const maxTextureSizes = new WeakMap<WebGLRenderingContext | WebGL2RenderingContext, number>();

/** `gl.MAX_TEXTURE_SIZE`: the largest width or height of a 2-D texture. */
export function maxTextureSize(gl: WebGLRenderingContext | WebGL2RenderingContext): number {
  let size = maxTextureSizes.get(gl);
  if (size === undefined) {
    size = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
    maxTextureSizes.set(gl, size);
  }
  return size;
}
