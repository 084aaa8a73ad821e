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
