/**
 * Packs int8 activation codes from tfjs's float texture into an RGBA16I texture, four consecutive k
 * per texel with the zero point already subtracted, so the matmul loop reads 4 values per fetch.
 * 16 bits because code − zeroPoint spans −255..255. Rows past M and columns past K are zero, which
 * lets the blocked matmul run over padded 8-row blocks without bounds checks.
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';

export const PACK_A_SOURCE = `${RAW_SHADER_HEADER}
uniform sampler2D a;
uniform int rows;
uniform int depth;
uniform int aWidth;
uniform int aOffset;
uniform int aZeroPoint;
layout(location = 0) out ivec4 centeredCodes;

int centered(int m, int k) {
  if (m >= rows || k >= depth) return 0;
  // tfjs usually lays [M, K] out as an M × K texture; integer division is slow on SwiftShader.
  if (aWidth == depth && aOffset == 0) return int(texelFetch(a, ivec2(k, m), 0).r) - aZeroPoint;
  int index = aOffset + m * depth + k;
  return int(texelFetch(a, ivec2(index % aWidth, index / aWidth), 0).r) - aZeroPoint;
}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int k = p.x * 4;
  centeredCodes = ivec4(centered(p.y, k), centered(p.y, k + 1), centered(p.y, k + 2), centered(p.y, k + 3));
}
`;

/**
 * The same from a tfjs packed texture (2×2 values per texel: rows m, m+1 × columns k, k+1), read in
 * place instead of after tfjs's unpack pass: two texel fetches per fragment. Texel index
 * (m/2)·⌈K/2⌉ + k/2, folded into the texture's width (usually ⌈K/2⌉: no division).
 */
export const PACK_A_PACKED_SOURCE = `${RAW_SHADER_HEADER}
uniform sampler2D a;
uniform int rows;
uniform int depth;
uniform int aWidth;
uniform int aZeroPoint;
layout(location = 0) out ivec4 centeredCodes;

vec2 pairAt(int m, int k) {
  int halfDepth = (depth + 1) >> 1;
  vec4 texel;
  if (aWidth == halfDepth) {
    texel = texelFetch(a, ivec2(k >> 1, m >> 1), 0);
  } else {
    int index = (m >> 1) * halfDepth + (k >> 1);
    texel = texelFetch(a, ivec2(index % aWidth, index / aWidth), 0);
  }
  return (m & 1) == 0 ? texel.xy : texel.zw;
}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int m = p.y;
  int k = p.x * 4;
  if (m >= rows) {
    centeredCodes = ivec4(0);
    return;
  }
  ivec4 codes = ivec4(pairAt(m, k), k + 2 < depth ? pairAt(m, k + 2) : vec2(0.0)) - aZeroPoint;
  if (k + 1 >= depth) codes.y = 0;
  if (k + 2 >= depth) codes.z = 0;
  if (k + 3 >= depth) codes.w = 0;
  centeredCodes = codes;
}
`;
