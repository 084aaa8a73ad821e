/**
 * The WebGL2 int8 matmul pass. Each fragment accumulates an 8×4 output block in exact int32 and writes
 * it through 8 render targets (the layers of one RGBA32I array texture), one row per target.
 * Blocking is where the speed comes from: per 4 steps of k a fragment makes 12 texel fetches for 128
 * multiply-adds, where one output per fragment would make 8 fetches for 4.
 *
 * Inputs: `a` (RGBA16I, texel (kb, m) = a[m, 4kb..4kb+3] − aZeroPoint) and `b` (RGBA8I, texel
 * (nb, k) = b[k, 4nb..4nb+3], the 1-byte weights). B's zero points are subtracted in the loop only in
 * the variant compiled for non-zero zero points; symmetric weights (zero point 0) skip that work.
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';

export const BLOCK_ROWS = 8;
export const BLOCK_COLUMNS = 4;

function rowStatements(indent: string): string {
  const lines: string[] = [];
  for (let r = 0; r < BLOCK_ROWS; r++) {
    lines.push(`${indent}a4 = texelFetch(a, ivec2(aColumn + kb, aRow + ${r}), 0);`);
    lines.push(`${indent}c${r} += a4.x * b0 + a4.y * b1 + a4.z * b2 + a4.w * b3;`);
  }
  return lines.join('\n');
}

export function matMulInt8Source(subtractBZeroPoint: boolean): string {
  const rows = [...Array(BLOCK_ROWS).keys()];
  const zero = subtractBZeroPoint ? ' - zb' : '';
  return `${RAW_SHADER_HEADER}
uniform isampler2D a;
uniform isampler2D b;
uniform isampler2D bZeroPoint;
uniform int kBlocks;
uniform int slabRows;
${rows.map((r) => `layout(location = ${r}) out ivec4 acc${r};`).join('\n')}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int nb = p.x;
  int m0 = p.y * ${BLOCK_ROWS};
  // A's rows are folded into slabs (pack-a-program.ts); slabRows is a multiple of the block.
  int slab = m0 / slabRows;
  int aRow = m0 - slab * slabRows;
  int aColumn = slab * kBlocks;
  ${subtractBZeroPoint ? 'ivec4 zb = texelFetch(bZeroPoint, ivec2(nb, 0), 0);' : ''}
  ${rows.map((r) => `ivec4 c${r} = ivec4(0);`).join(' ')}
  ivec4 a4;
  for (int kb = 0; kb < kBlocks; kb++) {
    int k = kb * 4;
    ivec4 b0 = texelFetch(b, ivec2(nb, k), 0)${zero};
    ivec4 b1 = texelFetch(b, ivec2(nb, k + 1), 0)${zero};
    ivec4 b2 = texelFetch(b, ivec2(nb, k + 2), 0)${zero};
    ivec4 b3 = texelFetch(b, ivec2(nb, k + 3), 0)${zero};
${rowStatements('    ')}
  }
  ${rows.map((r) => `acc${r} = c${r};`).join(' ')}
}
`;
}
