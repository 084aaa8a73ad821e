/**
 * The fused requantization of the int8 kernels (core's `requantizeCodeImpl`), shared by the raw
 * WebGL2 epilogue and the tfjs programs. Every step is one float32 operation, in core's order:
 *   (scale = 0 or NaN) ? zeroCode : floor(f32(f32(f32(clamp(v) − nudgedMin) / scale) + 0.5)) + codeMin,
 * which is bit-exact wherever the GPU rounds like IEEE float32 without contracting multiply-adds
 * (measured on SwiftShader). Codes are small integers, exact in tfjs's float textures. The range is
 * uniforms, never source text, so layers share one compiled program; `requantize` = 0 turns it off.
 */
import type { RequantizeAttrs } from '@clipq/core';
import type { UniformType } from './uniform_type.js';

export const REQUANTIZE_UNIFORMS: Array<{ name: string; type: UniformType }> = [
  { name: 'requantize', type: 'int' },
  { name: 'requantScale', type: 'float' },
  { name: 'requantMin', type: 'float' },
  { name: 'requantMax', type: 'float' },
  { name: 'requantCodeMin', type: 'float' },
  { name: 'requantZeroCode', type: 'float' },
];

/** `float requantized(float y)`; the uniforms are declared by the caller (see the two helpers). */
export const REQUANTIZE_GLSL = `
float requantized(float y) {
  if (requantScale == 0.0 || isnan(y)) return requantZeroCode;
  float clamped = min(max(y, requantMin), requantMax);
  float shifted = (clamped - requantMin) / requantScale;
  return floor(shifted + 0.5) + requantCodeMin;
}
`;

/** The declarations for a raw `#version 300 es` shader (tfjs programs get them from customUniforms). */
export const REQUANTIZE_DECLARATIONS = REQUANTIZE_UNIFORMS.map(
  (u) => `uniform ${u.type} ${u.name};`,
).join('\n');

/** Uniform values in REQUANTIZE_UNIFORMS order, for `runWebGLProgram`. */
export function requantizeUniformValues(r: RequantizeAttrs | null | undefined): number[][] {
  return r
    ? [[1], [r.scale], [r.nudgedMin], [r.nudgedMax], [r.codeMin], [r.zeroCode]]
    : [[0], [0], [0], [0], [0], [0]];
}

/** The same values by name, for a raw pass. */
export function requantizeUniformsByName(r: RequantizeAttrs | null | undefined): {
  ints: Record<string, number>;
  floats: Record<string, number>;
} {
  const values = requantizeUniformValues(r);
  const floats: Record<string, number> = {};
  REQUANTIZE_UNIFORMS.slice(1).forEach((u, i) => {
    floats[u.name] = values[i + 1]![0]!;
  });
  return { ints: { requantize: values[0]![0]! }, floats };
}
