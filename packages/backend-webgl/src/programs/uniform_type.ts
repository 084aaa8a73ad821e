/** tfjs's `UniformType` (shader_compiler.ts), which the package does not export. */
export type UniformType = 'float' | 'vec2' | 'vec3' | 'vec4' | 'int' | 'ivec2' | 'ivec3' | 'ivec4';
