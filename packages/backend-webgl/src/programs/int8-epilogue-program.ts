/**
 * The float epilogue of the WebGL2 int8 matmul, exactly core's `requantizeOutputImpl`:
 * out = act(f32(f32(f32(acc) · multiplier[n]) + bias[n])). It gathers each output from the 8×4
 * accumulator blocks and writes it into the tfjs-owned float32 output texture, packed (2×2 blocks) or
 * unpacked, optionally requantized to the next layer's codes (requantize-glsl.ts). multiplier and bias
 * come from a small
 * RG32F texture; the activation and bias flag are uniforms. The shifts and masks assume the 8×4
 * blocks of mat-mul-int8-program.ts.
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';
import { REQUANTIZE_DECLARATIONS, REQUANTIZE_GLSL } from './requantize-glsl.js';

export const ACTIVATION_CODES = { linear: 0, relu: 1, relu6: 2 } as const;

const EPILOGUE_HEADER = `${RAW_SHADER_HEADER}
uniform isampler2DArray acc;
uniform sampler2D epilogue;
uniform int rows;
uniform int columns;
uniform int outWidth;
uniform int hasBias;
uniform int activation;
${REQUANTIZE_DECLARATIONS}
layout(location = 0) out vec4 result;
${REQUANTIZE_GLSL}

float outputAt(int m, int n) {
  if (m >= rows || n >= columns) return 0.0;
  ivec4 block = texelFetch(acc, ivec3(n >> 2, m >> 3, m & 7), 0);
  int lane = n & 3;
  int value = lane == 0 ? block.x : lane == 1 ? block.y : lane == 2 ? block.z : block.w;
  vec2 scaleBias = texelFetch(epilogue, ivec2(n, 0), 0).xy;
  float y = float(value) * scaleBias.x;
  if (hasBias == 1) y = y + scaleBias.y;
  if (activation >= 1 && y < 0.0) y = 0.0;
  if (activation == 2 && y > 6.0) y = 6.0;
  return requantize == 1 ? requantized(y) : y;
}
`;

/**
 * Into an unpacked (one float per texel) output: tfjs's dense row-major layout, whatever the
 * texture's width.
 */
export const INT8_EPILOGUE_SOURCE = `${EPILOGUE_HEADER}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  // Usually an M × N texture; otherwise map the flat index (divisions are slow on SwiftShader).
  int m = p.y;
  int n = p.x;
  if (outWidth != columns) {
    int index = p.y * outWidth + p.x;
    m = index / columns;
    n = index - m * columns;
  }
  result = vec4(outputAt(m, n), 0.0, 0.0, 0.0);
}
`;

/**
 * Into a packed output (tfjs's 2×2 blocks: texel (x, y) holds rows 2y, 2y+1 × columns 2x, 2x+1 as
 * r, g, b, a): a quarter of the fragments, and tfjs downloads packed textures with a cheaper decode.
 */
export const INT8_EPILOGUE_PACKED_SOURCE = `${EPILOGUE_HEADER}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy) * 2;
  result = vec4(outputAt(p.y, p.x), outputAt(p.y, p.x + 1), outputAt(p.y + 1, p.x), outputAt(p.y + 1, p.x + 1));
}
`;
