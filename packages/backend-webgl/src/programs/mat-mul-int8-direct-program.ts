/**
 * A single-pass int8 matmul for small products: each fragment computes one tfjs packed output texel
 * (rows m, m+1 × columns n, n+1) in exact int32, applies the epilogue (and the fused requantization)
 * and writes it straight into the tfjs-owned output texture. The blocked 8×4 program needs three
 * passes (pack A, matmul, epilogue); for small outputs their fixed cost outweighs its better reuse.
 * A is read in place: a tfjs packed texel is exactly rows m, m+1 × k, k+1 (1 fetch per 2 k), an
 * unpacked A takes 4 fetches. B is the cached RGBA8I texture (texel (n/4, k)), lanes n, n+1 of it.
 * Only "plain" layouts (texture widths ⌈K/2⌉ or K for A, ⌈N/2⌉ for the output) take this path.
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';
import { INT8_EPILOGUE_UNIFORMS, int8Finish } from './int8-epilogue-program.js';
import { REQUANTIZE_DECLARATIONS, REQUANTIZE_GLSL } from './requantize-glsl.js';

export function matMulInt8DirectSource(
  aPacked: boolean,
  subtractBZeroPoint: boolean,
  singleRow: boolean,
  splitK = false,
  /** B's row stride when two rows k share a texture row (packed_weights.ts), else 0. */
  foldedStride = 0,
  /**
   * One unpacked row of A in a texture of any width (`aWidth`, from `aOffset`): a flattened conv
   * output feeding a batch-1 dense layer keeps its [pixels, channels] texture, so this path takes it
   * instead of the three blocked passes.
   */
  flatA = false,
): string {
  // Folded B: rows k (even: k starts at 0 or an even slice start and steps by 2) and k + 1 are one
  // texture row; the pair (n, n + 1) of row k + 1 sits foldedStride codes further, in the other half
  // of a texel (foldedStride is 2 mod 4).
  const row = foldedStride ? 'k >> 1' : 'k';
  const secondB = foldedStride
    ? 'texelFetch(b, ivec2(nb1, k >> 1), 0)'
    : 'texelFetch(b, ivec2(nb, k + 1), 0)';
  const secondLanes = foldedStride ? '(high ? b1.xy : b1.zw)' : '(high ? b1.zw : b1.xy)';
  // An unpacked A of one row (a batch-1 dense layer) skips the fetches of the missing second row.
  const secondRow = singleRow
    ? '0, 0'
    : 'texelFetch(a, ivec2(k, m + 1), 0).r, texelFetch(a, ivec2(k + 1, m + 1), 0).r';
  const aPair = flatA
    ? 'ivec4(aAt(k), aAt(k + 1), 0, 0)'
    : aPacked
      ? 'ivec4(texelFetch(a, ivec2(k >> 1, m >> 1), 0))'
      : `ivec4(texelFetch(a, ivec2(k, m), 0).r, texelFetch(a, ivec2(k + 1, m), 0).r, ${secondRow})`;
  const zero = subtractBZeroPoint
    ? 'ivec4 z4 = texelFetch(bZeroPoint, ivec2(nb, 0), 0); ivec2 zb = high ? z4.zw : z4.xy;'
    : 'ivec2 zb = ivec2(0);';
  return `${RAW_SHADER_HEADER}
uniform sampler2D a;
uniform isampler2D b;
uniform isampler2D bZeroPoint;
uniform int depth;
uniform int aZeroPoint;
uniform int sliceDepth;
${INT8_EPILOGUE_UNIFORMS}
${REQUANTIZE_DECLARATIONS}
${splitK ? 'layout(location = 0) out ivec4 partial;' : 'layout(location = 0) out vec4 result;'}
${REQUANTIZE_GLSL}
${int8Finish('columns - 1')}
${
  flatA
    ? `uniform int aWidth;
uniform int aOffset;
int aAt(int k) {
  int i = aOffset + k;
  int y = i / aWidth;
  return int(texelFetch(a, ivec2(i - y * aWidth, y), 0).r);
}`
    : ''
}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  // Split K (one row pair): fragment (column pair, slice) sums k in [slice·sliceDepth, +sliceDepth).
  int m = ${splitK ? '0' : 'p.y * 2'};
  int n = p.x * 2;
  int kBegin = ${splitK ? 'p.y * sliceDepth' : '0'};
  int kEnd = ${splitK ? 'min(depth, kBegin + sliceDepth)' : 'depth'};
  if (m >= rows || n >= columns) {
    ${splitK ? 'partial = ivec4(0);' : 'result = vec4(0.0);'}
    return;
  }
  int nb = n >> 2;
  bool high = (n & 2) != 0;
  ${foldedStride ? `int nb1 = (${foldedStride} + n) >> 2;` : ''}
  ${zero}
  // acc = (m, n), (m, n + 1), (m + 1, n), (m + 1, n + 1): tfjs's packed lane order.
  ivec4 acc = ivec4(0);
  int k = kBegin;
  for (; k + 1 < kEnd; k += 2) {
    ivec4 b0 = texelFetch(b, ivec2(nb, ${row}), 0);
    ivec4 b1 = ${secondB};
    ivec2 w0 = (high ? b0.zw : b0.xy) - zb;
    ivec2 w1 = ${secondLanes} - zb;
    ivec4 av = ${aPair} - aZeroPoint;
    acc += ivec4(av.x * w0.x + av.y * w1.x, av.x * w0.y + av.y * w1.y,
                 av.z * w0.x + av.w * w1.x, av.z * w0.y + av.w * w1.y);
  }
  if (k < kEnd) {
    ivec4 b0 = texelFetch(b, ivec2(nb, ${row}), 0);
    ivec2 w0 = (high ? b0.zw : b0.xy) - zb;
    ivec4 av = ${aPair} - aZeroPoint;
    acc += ivec4(av.x * w0.x, av.x * w0.y, av.z * w0.x, av.z * w0.y);
  }
  ${splitK ? 'partial = acc;' : 'result = vec4(finish(acc.x, n), finish(acc.y, n + 1), finish(acc.z, n), finish(acc.w, n + 1));'}
}
`;
}

/**
 * The second pass of the split-K variant: sums the slices' exact int32 partials of one output texel,
 * then the epilogue. For products of one or two rows (batch-1 dense layers), where the single pass has
 * too few fragments (⌈N/2⌉) to keep the GPU's threads busy over a long K.
 */
export const SPLIT_K_REDUCE_SOURCE = `${RAW_SHADER_HEADER}
uniform isampler2D partials;
uniform int slices;
${INT8_EPILOGUE_UNIFORMS}
${REQUANTIZE_DECLARATIONS}
layout(location = 0) out vec4 result;
${REQUANTIZE_GLSL}
${int8Finish('columns - 1')}

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int n = p.x * 2;
  if (p.y * 2 >= rows || n >= columns) {
    result = vec4(0.0);
    return;
  }
  ivec4 acc = ivec4(0);
  for (int s = 0; s < slices; s++) acc += texelFetch(partials, ivec2(p.x, s), 0);
  result = vec4(finish(acc.x, n), finish(acc.y, n + 1), finish(acc.z, n), finish(acc.w, n + 1));
}
`;
