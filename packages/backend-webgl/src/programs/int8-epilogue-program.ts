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

/** The epilogue's inputs: per-column (multiplier, bias) texels, shape, bias flag and activation. */
export const INT8_EPILOGUE_UNIFORMS = `uniform sampler2D epilogue;
uniform int rows;
uniform int columns;
uniform int outWidth;
uniform int hasBias;
uniform int activation;`;

/**
 * \`float finish(int acc, int n)\`: the epilogue of one accumulator of column n (clamped to
 * \`lastColumn\`, so padding lanes read a valid texel), then the optional requantization.
 */
export function int8Finish(lastColumn: string): string {
  return `
float finish(int acc, int n) {
  vec2 scaleBias = texelFetch(epilogue, ivec2(min(n, ${lastColumn}), 0), 0).xy;
  float y = float(acc) * scaleBias.x;
  if (hasBias == 1) y = y + scaleBias.y;
  if (activation >= 1 && y < 0.0) y = 0.0;
  if (activation == 2 && y > 6.0) y = 6.0;
  return requantize == 1 ? requantized(y) : y;
}`;
}

export const EPILOGUE_HEADER = `${RAW_SHADER_HEADER}
uniform isampler2DArray acc;
uniform int accSlabs;
uniform int accSlabRows;
// Row chunks (mat_mul_int8_blocked.ts): acc holds A's rows from rowOffset on; this call writes output
// rows [chunkStart, chunkEnd) (the same rows unless a max pool is fused).
uniform int rowOffset;
uniform int chunkStart;
uniform int chunkEnd;
${INT8_EPILOGUE_UNIFORMS}
${REQUANTIZE_DECLARATIONS}
layout(location = 0) out vec4 result;
${REQUANTIZE_GLSL}
${int8Finish('columns - 1')}

/** The texel of accumulator block (n/4, m/8), whose rows are folded into slabs (mat-mul-int8-program.ts). */
ivec2 accTexel(int n, int m) {
  int nb = n >> 2;
  int mb = (m - rowOffset) >> 3;
  if (accSlabs == 1) return ivec2(nb, mb);
  int slab = mb / accSlabRows;
  return ivec2(slab * ((columns + 3) >> 2) + nb, mb - slab * accSlabRows);
}

/** Row m (of A), column n of the product, through the epilogue. */
float valueAt(int m, int n) {
  ivec4 block = texelFetch(acc, ivec3(accTexel(n, m), (m - rowOffset) & 7), 0);
  int lane = n & 3;
  return finish(lane == 0 ? block.x : lane == 1 ? block.y : lane == 2 ? block.z : block.w, n);
}

float outputAt(int m, int n) {
  if (m >= rows || n >= columns) return 0.0;
  return valueAt(m, n);
}
`;

/**
 * Into an unpacked (one value per texel) output, tfjs's dense row-major layout whatever the texture's
 * width: what tfjs's own programs (pooling, reshapes) read without an unpack pass.
 */
/** Outside this call's rows, in a chunked product: the texel belongs to another call. */
export function chunkCheck(chunked: boolean): string {
  return chunked ? 'if (m < chunkStart || m >= chunkEnd) discard;' : '';
}

export const int8EpilogueSource = (chunked: boolean) => `${EPILOGUE_HEADER}
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
  ${chunkCheck(chunked)}
  result = vec4(outputAt(m, n), 0.0, 0.0, 0.0);
}
`;

/**
 * Into a packed output (tfjs's 2×2 blocks: texel (x, y) holds rows 2y, 2y+1 × columns 2x, 2x+1 as
 * r, g, b, a): a quarter of the fragments, and tfjs downloads packed textures with a cheaper decode.
 */
export const int8EpiloguePackedSource = (chunked: boolean) => `${EPILOGUE_HEADER}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  // Texel (x, y) of the usual ⌈N/2⌉-wide texture; otherwise tfjs's texel order folded into outWidth.
  int halfColumns = (columns + 1) >> 1;
  if (outWidth != halfColumns) {
    int index = p.y * outWidth + p.x;
    p = ivec2(index % halfColumns, index / halfColumns);
  }
  int m = p.y * 2;
  int n = p.x * 2;
  ${chunkCheck(chunked)}
  if (m >= rows || n >= columns) {
    result = vec4(0.0);
    return;
  }
  // Rows m, m + 1 (m even) are layers of one 8-row block; columns n, n + 1 are lanes of one texel.
  ivec2 texel = accTexel(n, m);
  int layer = (m - rowOffset) & 7;
  ivec4 row0 = texelFetch(acc, ivec3(texel, layer), 0);
  ivec4 row1 = texelFetch(acc, ivec3(texel, layer + 1), 0);
  ivec2 first = (n & 2) == 0 ? row0.xy : row0.zw;
  ivec2 second = (n & 2) == 0 ? row1.xy : row1.zw;
  result = vec4(finish(first.x, n), finish(first.y, n + 1), finish(second.x, n), finish(second.y, n + 1));
}
`;
