/**
 * Textures clipq creates outside tfjs's texture manager (integer textures tfjs cannot describe).
 * Every creation and deletion goes through here, so tests can prove that nothing is left behind and
 * benchmarks can report the bytes actually allocated on the GPU.
 */
let liveTextures = 0;
let liveBytes = 0;
const sizes = new WeakMap<WebGLTexture, number>();

export interface IntTextureFormat {
  internalFormat: number;
  type: number;
  bytesPerTexel: number;
}

export function intFormats(gl: WebGL2RenderingContext) {
  return {
    rgba8i: { internalFormat: gl.RGBA8I, type: gl.BYTE, bytesPerTexel: 4 },
    rgba16i: { internalFormat: gl.RGBA16I, type: gl.SHORT, bytesPerTexel: 8 },
    rgba32i: { internalFormat: gl.RGBA32I, type: gl.INT, bytesPerTexel: 16 },
    r32i: { internalFormat: gl.R32I, type: gl.INT, bytesPerTexel: 4 },
    rg32f: { internalFormat: gl.RG32F, type: gl.FLOAT, bytesPerTexel: 8 },
    rgba32f: { internalFormat: gl.RGBA32F, type: gl.FLOAT, bytesPerTexel: 16 },
  } satisfies Record<string, IntTextureFormat>;
}

function formatOf(gl: WebGL2RenderingContext, format: IntTextureFormat): number {
  if (format.internalFormat === gl.R32I) return gl.RED_INTEGER;
  if (format.internalFormat === gl.RG32F) return gl.RG;
  if (format.internalFormat === gl.RGBA32F) return gl.RGBA;
  return gl.RGBA_INTEGER;
}

function nearest(gl: WebGL2RenderingContext, target: number): void {
  gl.texParameteri(target, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(target, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(target, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
}

/** A 2-D texture of `format`, filled from `data` (or left undefined when null, for render targets). */
export function createTexture2D(
  gl: WebGL2RenderingContext,
  format: IntTextureFormat,
  width: number,
  height: number,
  data: ArrayBufferView | null,
): WebGLTexture {
  const texture = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, texture);
  nearest(gl, gl.TEXTURE_2D);
  gl.texStorage2D(gl.TEXTURE_2D, 1, format.internalFormat, width, height);
  gl.bindTexture(gl.TEXTURE_2D, null);
  track(texture, width * height * format.bytesPerTexel);
  if (data) writeTexture2D(gl, texture, format, width, height, data);
  return texture;
}

/** Replaces the whole contents of a texture made by `createTexture2D`. */
export function writeTexture2D(
  gl: WebGL2RenderingContext,
  texture: WebGLTexture,
  format: IntTextureFormat,
  width: number,
  height: number,
  data: ArrayBufferView,
): void {
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  const layout = formatOf(gl, format);
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, layout, format.type, data);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
  gl.bindTexture(gl.TEXTURE_2D, null);
}

/** A 2-D array texture (one layer per render target of a multi-target pass). */
export function createTexture2DArray(
  gl: WebGL2RenderingContext,
  format: IntTextureFormat,
  width: number,
  height: number,
  layers: number,
): WebGLTexture {
  const texture = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, texture);
  nearest(gl, gl.TEXTURE_2D_ARRAY);
  gl.texStorage3D(gl.TEXTURE_2D_ARRAY, 1, format.internalFormat, width, height, layers);
  gl.bindTexture(gl.TEXTURE_2D_ARRAY, null);
  track(texture, width * height * layers * format.bytesPerTexel);
  return texture;
}

function track(texture: WebGLTexture, bytes: number): void {
  sizes.set(texture, bytes);
  liveTextures++;
  liveBytes += bytes;
}

export function deleteTexture(gl: WebGL2RenderingContext, texture: WebGLTexture): void {
  const bytes = sizes.get(texture);
  if (bytes === undefined) return;
  sizes.delete(texture);
  liveTextures--;
  liveBytes -= bytes;
  gl.deleteTexture(texture);
}

/** Textures clipq created and has not deleted yet, and their bytes. */
export function ownTextureStats(): { textures: number; bytes: number } {
  return { textures: liveTextures, bytes: liveBytes };
}
