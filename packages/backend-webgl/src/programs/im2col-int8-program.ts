/**
 * im2col for the int8 convolution on the GPU: [B·Ho·Wo, kh·kw·Cin] patches of the input codes in a
 * tfjs float texture (codes are small integers, exact in float32), the A operand that the int8
 * matmul's pack pass already consumes. Out-of-image taps hold the input zero point (the real value 0),
 * as core's `im2colInt8` does. The geometry is compiled in (tfjs caches one program per shape); the
 * zero point is a uniform, so layers that differ only in it share the program.
 */
import type { ConvGeometry } from '@clipq/core';
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

export class Im2ColInt8Program implements GPGPUProgram {
  variableNames = ['X'];
  outputShape: number[];
  userCode: string;
  customUniforms = [{ name: 'xZeroPoint', type: 'float' as const }];

  constructor(g: ConvGeometry) {
    const C = g.inChannels;
    this.outputShape = [g.batch * g.outHeight * g.outWidth, g.kernelHeight * g.kernelWidth * C];
    this.userCode = `
      void main() {
        ivec2 rc = getOutputCoords();
        int pixel = rc.x / ${g.outWidth};
        int ox = rc.x - pixel * ${g.outWidth};
        int b = pixel / ${g.outHeight};
        int oy = pixel - b * ${g.outHeight};
        int tap = rc.y / ${C};
        int c = rc.y - tap * ${C};
        int ky = tap / ${g.kernelWidth};
        int kx = tap - ky * ${g.kernelWidth};
        int iy = oy * ${g.strideHeight} + ky * ${g.dilationHeight} - ${g.padTop};
        int ix = ox * ${g.strideWidth} + kx * ${g.dilationWidth} - ${g.padLeft};
        float value = xZeroPoint;
        if (iy >= 0 && iy < ${g.inHeight} && ix >= 0 && ix < ${g.inWidth}) {
          value = getX(b, iy, ix, c);
        }
        setOutput(value);
      }
    `;
  }
}
