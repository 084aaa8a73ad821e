/**
 * Packs int8 activation codes from tfjs's float texture into an RGBA16I texture, four consecutive k
 * per texel with the zero point already subtracted, so the matmul loop reads 4 values per fetch.
 * 16 bits because code − zeroPoint spans −255..255. Rows past M and columns past K are zero, which
 * lets the blocked matmul run over padded 8-row blocks without bounds checks.
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';

/**
 * A's packed rows are folded into slabs of `slabRows` rows laid side by side, so that tall products
 * (batch-16 convolutions reach M = 65,536 pixels) fit the texture size limit without splitting the
 * matmul: row m, k block kb lives at texel (slab·kBlocks + kb, m − slab·slabRows). One slab (the
 * usual case) is the plain layout, without the division.
 */
export const SLAB_GLSL = `
uniform int kBlocks;
uniform int slabRows;
uniform int slabs;
// The first row of this call: large products run in row chunks (mat_mul_int8_blocked.ts).
uniform int rowOffset;

/** The (k block, row) that the fragment at p writes in a pack pass. */
ivec2 slabCell(ivec2 p) {
  if (slabs == 1) return p;
  int slab = p.x / kBlocks;
  return ivec2(p.x - slab * kBlocks, slab * slabRows + p.y);
}
`;

export const PACK_A_SOURCE = `${RAW_SHADER_HEADER}
uniform sampler2D a;
uniform int rows;
uniform int depth;
uniform int aWidth;
uniform int aOffset;
uniform int aZeroPoint;
layout(location = 0) out ivec4 centeredCodes;
${SLAB_GLSL}
int centered(int m, int k) {
  if (m >= rows || k >= depth) return 0;
  // tfjs usually lays [M, K] out as an M × K texture; integer division is slow on SwiftShader.
  if (aWidth == depth && aOffset == 0) return int(texelFetch(a, ivec2(k, m), 0).r) - aZeroPoint;
  int index = aOffset + m * depth + k;
  return int(texelFetch(a, ivec2(index % aWidth, index / aWidth), 0).r) - aZeroPoint;
}

void main() {
  ivec2 cell = slabCell(ivec2(gl_FragCoord.xy));
  int k = cell.x * 4;
  int m = cell.y + rowOffset;
  centeredCodes = ivec4(centered(m, k), centered(m, k + 1), centered(m, k + 2), centered(m, k + 3));
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
${SLAB_GLSL}
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
  ivec2 cell = slabCell(ivec2(gl_FragCoord.xy));
  int k = cell.x * 4;
  int m = cell.y + rowOffset;
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
