/**
 * Raw WebGL2 passes for what tfjs's GPGPUProgram cannot express: integer textures (isampler2D) as
 * inputs and outputs, and several render targets per fragment. Programs reuse tfjs's vertex shader,
 * quad and VAO setup (GPGPUContext.createProgram/buildVao), so tfjs's own GL state stays intact: every
 * pass draws into clipq's framebuffer and rebinds tfjs's framebuffer when done.
 */
import type { GPGPUContext, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { webgl_util } from '@tensorflow/tfjs-backend-webgl';

type TfjsProgram = ReturnType<GPGPUContext['createProgram']>;

export interface RawProgram {
  program: TfjsProgram;
  locations: Map<string, WebGLUniformLocation | null>;
}

const programsByContext = new WeakMap<GPGPUContext, Map<string, RawProgram>>();
const framebuffers = new WeakMap<GPGPUContext, WebGLFramebuffer>();

/** Compiles (once per GL context and source) a `#version 300 es` fragment shader. */
export function rawProgram(backend: MathBackendWebGL, source: string): RawProgram {
  const gpgpu = backend.gpgpu;
  let programs = programsByContext.get(gpgpu);
  if (!programs) {
    programs = new Map();
    programsByContext.set(gpgpu, programs);
  }
  let compiled = programs.get(source);
  if (!compiled) {
    const shader = webgl_util.createFragmentShader(gpgpu.gl, source);
    const program = gpgpu.createProgram(shader);
    gpgpu.buildVao(program);
    compiled = { program, locations: new Map() };
    programs.set(source, compiled);
  }
  return compiled;
}

function location(gl: WebGL2RenderingContext, raw: RawProgram, name: string) {
  if (!raw.locations.has(name)) raw.locations.set(name, gl.getUniformLocation(raw.program, name));
  return raw.locations.get(name)!;
}

export interface RenderTarget {
  texture: WebGLTexture;
  /** The layer of a 2-D array texture; omit for a 2-D texture. */
  layer?: number;
}

export interface SampledTexture {
  texture: WebGLTexture;
  array?: boolean;
}

export interface PassSpec {
  /** Attached to clipq's shared framebuffer for this pass only. */
  targets?: RenderTarget[];
  /** Or a framebuffer whose attachments stay configured (see `targetFramebuffer`). */
  framebuffer?: WebGLFramebuffer;
  width: number;
  height: number;
  /** The first target row drawn (default 0): a pass may cover a band of rows. */
  y?: number;
  textures: Record<string, SampledTexture>;
  ints?: Record<string, number>;
  floats?: Record<string, number>;
}

function attach(gl: WebGL2RenderingContext, targets: RenderTarget[]): number[] {
  const attachments = targets.map((target, i) => {
    const attachment = gl.COLOR_ATTACHMENT0 + i;
    if (target.layer === undefined) {
      gl.framebufferTexture2D(gl.FRAMEBUFFER, attachment, gl.TEXTURE_2D, target.texture, 0);
    } else {
      gl.framebufferTextureLayer(gl.FRAMEBUFFER, attachment, target.texture, 0, target.layer);
    }
    return attachment;
  });
  gl.drawBuffers(attachments);
  return attachments;
}

/**
 * A framebuffer with `targets` attached for good, for passes that always render into the same
 * textures (re-attaching 8 layers on every call is needless GL work). Delete it with the textures.
 */
export function targetFramebuffer(
  backend: MathBackendWebGL,
  targets: RenderTarget[],
): WebGLFramebuffer {
  const gl = backend.gpgpu.gl as WebGL2RenderingContext;
  const framebuffer = gl.createFramebuffer()!;
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  attach(gl, targets);
  gl.bindFramebuffer(gl.FRAMEBUFFER, backend.gpgpu.framebuffer);
  return framebuffer;
}

/** Draws one full-viewport pass of `raw` into `spec.targets` or `spec.framebuffer`. */
export function runPass(backend: MathBackendWebGL, raw: RawProgram, spec: PassSpec): void {
  const gpgpu = backend.gpgpu;
  const gl = gpgpu.gl as WebGL2RenderingContext;
  let framebuffer = spec.framebuffer ?? framebuffers.get(gpgpu);
  if (!framebuffer) {
    framebuffer = gl.createFramebuffer()!;
    framebuffers.set(gpgpu, framebuffer);
  }
  gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer);
  const attachments = spec.framebuffer ? [] : attach(gl, spec.targets ?? []);
  gl.viewport(0, spec.y ?? 0, spec.width, spec.height);
  gl.scissor(0, spec.y ?? 0, spec.width, spec.height);
  gpgpu.setProgram(raw.program);
  gpgpu.bindVertexArray(raw.program.vao);
  const units = Object.entries(spec.textures);
  units.forEach(([name, sampled], unit) => {
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(sampled.array ? gl.TEXTURE_2D_ARRAY : gl.TEXTURE_2D, sampled.texture);
    gl.uniform1i(location(gl, raw, name), unit);
  });
  for (const [name, value] of Object.entries(spec.ints ?? {}))
    gl.uniform1i(location(gl, raw, name), value);
  for (const [name, value] of Object.entries(spec.floats ?? {}))
    gl.uniform1f(location(gl, raw, name), value);
  gpgpu.executeProgram();
  // Leave no clipq texture bound anywhere tfjs could trip over it (feedback loops, stale units).
  units.forEach(([, sampled], unit) => {
    gl.activeTexture(gl.TEXTURE0 + unit);
    gl.bindTexture(sampled.array ? gl.TEXTURE_2D_ARRAY : gl.TEXTURE_2D, null);
  });
  gl.activeTexture(gl.TEXTURE0);
  if (attachments.length > 0) {
    attachments.forEach((attachment) => {
      gl.framebufferTexture2D(gl.FRAMEBUFFER, attachment, gl.TEXTURE_2D, null, 0);
    });
    gl.drawBuffers([gl.COLOR_ATTACHMENT0]);
  }
  gl.bindFramebuffer(gl.FRAMEBUFFER, gpgpu.framebuffer);
}

/** The GLSL ES 3.00 prologue of every raw pass. */
export const RAW_SHADER_HEADER = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
precision highp isampler2D;
precision highp isampler2DArray;
`;
