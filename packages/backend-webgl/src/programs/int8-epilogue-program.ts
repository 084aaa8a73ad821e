/**
 * The float epilogue of the WebGL2 int8 matmul, exactly core's `requantizeOutputImpl`:
 * out = act(f32(f32(f32(acc) · multiplier[n]) + bias[n])). It gathers each output from the 8×4
 * accumulator blocks and writes it into the tfjs-owned float32 output texture, element by element in
 * tfjs's dense row-major layout (whatever that texture's width). multiplier and bias come from a small
 * RG32F texture; the activation and bias flag are uniforms. The shifts and masks assume the 8×4
 * blocks of mat-mul-int8-program.ts.
 */
import { RAW_SHADER_HEADER } from '../gl/raw_pass.js';

export const ACTIVATION_CODES = { linear: 0, relu: 1, relu6: 2 } as const;

export const INT8_EPILOGUE_SOURCE = `${RAW_SHADER_HEADER}
uniform isampler2DArray acc;
uniform sampler2D epilogue;
uniform int rows;
uniform int columns;
uniform int outWidth;
uniform int hasBias;
uniform int activation;
layout(location = 0) out vec4 result;

void main() {
  ivec2 p = ivec2(gl_FragCoord.xy);
  // tfjs usually lays [M, N] out as an M × N texture; otherwise map the flat index (divisions are
  // slow on SwiftShader, hence the shifts and masks below too).
  int m = p.y;
  int n = p.x;
  if (outWidth != columns) {
    int index = p.y * outWidth + p.x;
    m = index / columns;
    n = index - m * columns;
  }
  if (m >= rows) {
    result = vec4(0.0);
    return;
  }
  ivec4 block = texelFetch(acc, ivec3(n >> 2, m >> 3, m & 7), 0);
  int lane = n & 3;
  int value = lane == 0 ? block.x : lane == 1 ? block.y : lane == 2 ? block.z : block.w;
  vec2 scaleBias = texelFetch(epilogue, ivec2(n, 0), 0).xy;
  float y = float(value) * scaleBias.x;
  if (hasBias == 1) y = y + scaleBias.y;
  if (activation >= 1 && y < 0.0) y = 0.0;
  if (activation == 2 && y > 6.0) y = 6.0;
  result = vec4(y, 0.0, 0.0, 0.0);
}
`;
