/**
 * Exact int8 depthwise convolution as one tfjs program (2×2 outputs per fragment, tfjs's packed layout): the codes arrive as
 * floats (small integers, exact), are shifted by their zero points and multiplied-accumulated in int32,
 * so any kernel size is exact. Out-of-image taps are skipped, which is padding with the input zero point
 * (the real value 0). The epilogue is core's `requantizeOutputImpl`:
 * act(f32(f32(f32(acc) · multiplier[n]) + bias[n])), with multiplier[n] = f32(xScale · wScale[n]) rounded
 * on the CPU. Per-channel values come from textures ([2, N] multiplier/bias, [N] or [1] zero points) and
 * the input zero point, bias flag and activation are uniforms: only the geometry is compiled in.
 */
import type { ConvGeometry } from '@clipq/core';
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { REQUANTIZE_GLSL, REQUANTIZE_UNIFORMS } from './requantize-glsl.js';

export class DepthwiseInt8Program implements GPGPUProgram {
  variableNames = ['X', 'W', 'WZeroPoint', 'Epilogue'];
  /** tfjs's 2×2 packed output (width × channel): a quarter of the fragments, a cheaper download. */
  packedOutput = true;
  outputShape: number[];
  userCode: string;
  customUniforms = [
    { name: 'xZeroPoint', type: 'int' as const },
    { name: 'hasBias', type: 'int' as const },
    { name: 'activation', type: 'int' as const },
    ...REQUANTIZE_UNIFORMS,
  ];

  constructor(g: ConvGeometry, multiplier: number, perChannelZeroPoint: boolean) {
    this.outputShape = [g.batch, g.outHeight, g.outWidth, g.inChannels * multiplier];
    const N = g.inChannels * multiplier;
    this.userCode = `
      ${REQUANTIZE_GLSL}
      float outputAt(int b, int oy, int ox, int n) {
        if (ox >= ${g.outWidth} || n >= ${N}) return 0.0;
        int c = n / ${multiplier};
        int m = n - c * ${multiplier};
        int zw = int(getWZeroPoint(${perChannelZeroPoint ? 'n' : '0'}));
        int y0 = oy * ${g.strideHeight} - ${g.padTop};
        int x0 = ox * ${g.strideWidth} - ${g.padLeft};
        int acc = 0;
        for (int ky = 0; ky < ${g.kernelHeight}; ky++) {
          int iy = y0 + ky * ${g.dilationHeight};
          if (iy < 0 || iy >= ${g.inHeight}) continue;
          for (int kx = 0; kx < ${g.kernelWidth}; kx++) {
            int ix = x0 + kx * ${g.dilationWidth};
            if (ix < 0 || ix >= ${g.inWidth}) continue;
            int xv = int(getX(b, iy, ix, c)) - xZeroPoint;
            int wv = int(getW(ky, kx, c, m)) - zw;
            acc += xv * wv;
          }
        }
        float y = float(acc) * getEpilogue(0, n);
        if (hasBias == 1) y = y + getEpilogue(1, n);
        if (activation >= 1 && y < 0.0) y = 0.0;
        if (activation == 2 && y > 6.0) y = 6.0;
        return requantize == 1 ? requantized(y) : y;
      }

      void main() {
        ivec4 p = getOutputCoords();
        setOutput(vec4(
          outputAt(p.x, p.y, p.z, p.w),
          outputAt(p.x, p.y, p.z, p.w + 1),
          outputAt(p.x, p.y, p.z + 1, p.w),
          outputAt(p.x, p.y, p.z + 1, p.w + 1)));
      }
    `;
  }
}
