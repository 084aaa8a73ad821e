/**
 * ClipqDequantize's program, in TF's two-step float32 form (see core's `dequantizeImpl`):
 * y = (code − codeMin)·scale + nudgedMin. Params is [C, 2] (scale, nudgedMin) from the CPU, where
 * nudgedMin = f32((codeMin − zeroPoint)·scale) is rounded once: computed in the shader next to
 * (code − codeMin)·scale, results differed from core's by an ulp on SwiftShader (GLSL compilers may
 * rearrange float math; a value from outside the shader cannot be rearranged).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

export class DequantizeProgram implements GPGPUProgram {
  variableNames = ['Codes', 'Params'];
  outputShape: number[];
  userCode: string;
  customUniforms = [{ name: 'codeMin', type: 'float' as const }];

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    const rank = shape.length;
    const channel = !perChannel
      ? '0'
      : rank <= 1
        ? 'getOutputCoords()'
        : `getOutputCoords().${'xyzwuv'[axis]}`;
    this.userCode = `
      void main() {
        int channel = ${channel};
        float scale = getParams(channel, 0);
        float code = getCodesAtOutCoords();
        setOutput(scale == 0.0 ? 0.0 : (code - codeMin) * scale + getParams(channel, 1));
      }
    `;
  }
}
