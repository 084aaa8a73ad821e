/**
 * The WebGL2 int8 matmul pass. Each fragment accumulates an 8×4 output block in exact int32 and writes
 * it through 8 render targets (the layers of one RGBA32I array texture), one row per target.
 * Blocking is where the speed comes from: per 4 steps of k a fragment makes 12 texel fetches for 128
 * multiply-adds, where one output per fragment would make 8 fetches for 4.
 *
 * Inputs: `a` (RGBA16I, texel (kb, m) = a[m, 4kb..4kb+3] − aZeroPoint, rows folded into slabs) and `b` (RGBA8I, texel
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

/**
 * B's 4 rows of one k block. Folded B (packed_weights.ts: row stride S ≡ 2 mod 4, rows k and k + 1 in
 * one texture row) holds an even row's 4 columns in texel nb, and an odd row's in the upper half of
 * texel nb + S/4 and the lower half of the next: 6 fetches instead of 4, no padding bytes.
 */
function bRows(zero: string, foldedStride: number): string {
  if (!foldedStride) {
    return [0, 1, 2, 3]
      .map((i) => `    ivec4 b${i} = texelFetch(b, ivec2(nb, k + ${i}), 0)${zero};`)
      .join('\n');
  }
  const lines: string[] = [];
  for (const [even, odd, row] of [
    [0, 1, 'kb * 2'],
    [2, 3, 'kb * 2 + 1'],
  ] as const) {
    lines.push(`    ivec4 b${even} = texelFetch(b, ivec2(nb, ${row}), 0)${zero};`);
    lines.push(`    ivec4 t${odd} = texelFetch(b, ivec2(nbOdd, ${row}), 0);`);
    lines.push(`    ivec4 u${odd} = texelFetch(b, ivec2(nbOdd + 1, ${row}), 0);`);
    lines.push(`    ivec4 b${odd} = ivec4(t${odd}.zw, u${odd}.xy)${zero};`);
  }
  return lines.join('\n');
}

export function matMulInt8Source(subtractBZeroPoint: boolean, foldedStride = 0): string {
  const rows = [...Array(BLOCK_ROWS).keys()];
  const zero = subtractBZeroPoint ? ' - zb' : '';
  return `${RAW_SHADER_HEADER}
uniform isampler2D a;
uniform isampler2D b;
uniform isampler2D bZeroPoint;
uniform int kBlocks;
uniform int slabRows;
uniform int columnBlocks;
uniform int rowBlocks;
uniform int accSlabs;
uniform int accSlabRows;
${rows.map((r) => `layout(location = ${r}) out ivec4 acc${r};`).join('\n')}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  // The accumulators are folded into slabs too (scratch_layout.ts): block (nb, mb) lives at texel
  // (accSlab·columnBlocks + nb, mb − accSlab·accSlabRows). The last slab's spare blocks do nothing.
  int nb = p.x;
  int mb = p.y;
  if (accSlabs > 1) {
    int accSlab = p.x / columnBlocks;
    nb = p.x - accSlab * columnBlocks;
    mb = accSlab * accSlabRows + p.y;
    if (mb >= rowBlocks) {
      ${rows.map((r) => `acc${r} = ivec4(0);`).join(' ')}
      return;
    }
  }
  int m0 = mb * ${BLOCK_ROWS};
  // A's rows are folded into slabs (pack-a-program.ts); slabRows is a multiple of the block.
  int slab = m0 / slabRows;
  int aRow = m0 - slab * slabRows;
  int aColumn = slab * kBlocks;
  ${subtractBZeroPoint ? 'ivec4 zb = texelFetch(bZeroPoint, ivec2(nb, 0), 0);' : ''}
  ${rows.map((r) => `ivec4 c${r} = ivec4(0);`).join(' ')}
  ivec4 a4;
  ${foldedStride ? `int nbOdd = nb + ${foldedStride >> 2};` : ''}
  for (int kb = 0; kb < kBlocks; kb++) {
    int k = kb * 4;
${bRows(zero, foldedStride)}
${rowStatements('    ')}
  }
  ${rows.map((r) => `acc${r} = c${r};`).join(' ')}
}
`;
}
