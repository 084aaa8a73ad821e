/**
 * The WebGL1 fallback of the int8 matmul: codes in tfjs's float textures, one output per fragment.
 *
 * float32 holds integers exactly up to 2^24, so K is walked in chunks small enough that each chunk's
 * partial sum is exact (1024 steps for codes within ±128; fewer when zero points widen the range).
 * Each partial is split into a multiple of 4096 and a remainder, both summed exactly, and joined with
 * a single rounding at the end, which is f32(acc), the rounding core's reference applies.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { REQUANTIZE_GLSL, REQUANTIZE_UNIFORMS } from './requantize-glsl.js';

/** Splitting at 4096 keeps both running sums exact for up to 4096 chunks. */
const SPLIT = 4096;

/** The largest chunk of K whose partial sums stay within float32's exact integers. */
export function exactChunk(maxAbsA: number, maxAbsB: number): number {
  return Math.max(1, Math.floor(2 ** 24 / Math.max(1, maxAbsA * maxAbsB)));
}

export class MatMulInt8FloatProgram implements GPGPUProgram {
  variableNames = ['A', 'B', 'BZeroPoint', 'Epilogue'];
  outputShape: number[];
  userCode: string;
  customUniforms = [
    { name: 'aZeroPoint', type: 'float' as const },
    { name: 'hasBias', type: 'int' as const },
    { name: 'activation', type: 'int' as const },
    ...REQUANTIZE_UNIFORMS,
  ];

  constructor(
    M: number,
    K: number,
    N: number,
    transposeB: boolean,
    perChannel: boolean,
    chunk: number,
  ) {
    this.outputShape = [M, N];
    const chunks = Math.ceil(K / chunk);
    if (chunks > SPLIT)
      throw new Error(`ClipqMatMulInt8: K=${K} is too large for the float fallback`);
    const bAt = transposeB ? 'getB(n, k)' : 'getB(k, n)';
    this.userCode = `
      ${REQUANTIZE_GLSL}
      void main() {
        ivec2 rc = getOutputCoords();
        int m = rc.x;
        int n = rc.y;
        float zb = getBZeroPoint(${perChannel ? 'n' : '0'});
        float high = 0.0;
        float low = 0.0;
        for (int c = 0; c < ${chunks}; c++) {
          float partial = 0.0;
          for (int j = 0; j < ${chunk}; j++) {
            int k = c * ${chunk} + j;
            if (k >= ${K}) break;
            partial += (getA(m, k) - aZeroPoint) * (${bAt} - zb);
          }
          float h = floor(partial / ${SPLIT}.0);
          high += h;
          low += partial - h * ${SPLIT}.0;
        }
        float acc = high * ${SPLIT}.0 + low;
        float y = acc * getEpilogue(0, n);
        if (hasBias == 1) y = y + getEpilogue(1, n);
        if (activation >= 1 && y < 0.0) y = 0.0;
        if (activation == 2 && y > 6.0) y = 6.0;
        setOutput(requantize == 1 ? requantized(y) : y);
      }
    `;
  }
}
