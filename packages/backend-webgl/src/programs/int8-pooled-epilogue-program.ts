/**
 * The int8 convolution's epilogue with a 2×2, stride-2, 'valid' max pool fused in (ClipqConv2DInt8's
 * `fusedMaxPool`): each output value is the max of the 4 epilogue values (requantized codes, when the
 * runtime fuses) of its window, so the pool costs no pass and the conv writes a quarter of the
 * outputs. Taking the max after the epilogue is exact whatever the signs of the multipliers (the
 * pool of the unfused path takes it over the same values). `rows` counts pooled rows
 * [B·Hp·Wp]; the accumulators hold the conv's rows [B·Ho·Wo] (odd Ho or Wo: the last row or column
 * is dropped, as 'valid' pooling does).
 */
import { chunkCheck, EPILOGUE_HEADER } from './int8-epilogue-program.js';

const POOLED_GLSL = `${EPILOGUE_HEADER}
uniform int convWidth;
uniform int convRowsPerImage;
uniform int poolWidth;
uniform int poolRowsPerImage;

float pooledAt(int m, int n) {
  if (m >= rows || n >= columns) return 0.0;
  int image = m / poolRowsPerImage;
  int r = m - image * poolRowsPerImage;
  int y = r / poolWidth;
  int x = r - y * poolWidth;
  int source = image * convRowsPerImage + 2 * (y * convWidth + x);
  return max(
    max(valueAt(source, n), valueAt(source + 1, n)),
    max(valueAt(source + convWidth, n), valueAt(source + convWidth + 1, n)));
}
`;

/** Into an unpacked output (one value per texel, tfjs's dense row-major layout). */
export const int8PooledEpilogueSource = (chunked: boolean) => `${POOLED_GLSL}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int index = p.y * outWidth + p.x;
  int m = index / columns;
  int n = index - m * columns;
  ${chunkCheck(chunked)}
  result = vec4(pooledAt(m, n), 0.0, 0.0, 0.0);
}
`;

/** Into a packed output (tfjs's 2×2 blocks: rows m, m + 1 × columns n, n + 1 as r, g, b, a). */
export const int8PooledEpiloguePackedSource = (chunked: boolean) => `${POOLED_GLSL}
void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  int halfColumns = (columns + 1) >> 1;
  int index = p.y * outWidth + p.x;
  int m = (index / halfColumns) * 2;
  int n = (index - (m >> 1) * halfColumns) * 2;
  ${chunkCheck(chunked)}
  result = vec4(pooledAt(m, n), pooledAt(m, n + 1), pooledAt(m + 1, n), pooledAt(m + 1, n + 1));
}
`;
