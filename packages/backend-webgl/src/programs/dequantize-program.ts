/**
 * ClipqDequantize's program, in TF's two-step float32 form (see core's `dequantizeImpl`):
 * y = (code − codeMin)·scale + nudgedMin. Params is [C, 2] (scale, nudgedMin) from the CPU, where
 * nudgedMin = f32((codeMin − zeroPoint)·scale) is rounded once: computed in the shader next to
 * (code − codeMin)·scale, results differed from core's by an ulp on SwiftShader (GLSL compilers may
 * rearrange float math; a value from outside the shader cannot be rearranged).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { packedRead } from './quantize-program.js';

export class DequantizeProgram implements GPGPUProgram {
  variableNames = ['Codes', 'Params'];
  outputShape: number[];
  userCode: string;
  customUniforms: Array<{ name: string; type: 'float' }> = [{ name: 'codeMin', type: 'float' }];
  /**
   * Per tensor, packed codes (the int8 kernels' outputs) are read in place, without an unpack pass.
   * tfjs then samples every input as packed, so the two params become uniforms instead.
   */
  packedInputs = false;

  constructor(shape: number[], perChannel: boolean, axis: number, packedInput = false) {
    this.outputShape = shape;
    this.packedInputs = packedInput && !perChannel;
    const rank = shape.length;
    const channel = !perChannel
      ? '0'
      : rank <= 1
        ? 'getOutputCoords()'
        : `getOutputCoords().${'xyzwuv'[axis]}`;
    let params = `int channel = ${channel};
        float scale = getParams(channel, 0);
        float offset = getParams(channel, 1);
        float code = getCodesAtOutCoords();`;
    if (this.packedInputs) {
      this.variableNames = ['Codes'];
      this.customUniforms.push({ name: 'scale', type: 'float' }, { name: 'offset', type: 'float' });
      params = packedRead(rank, 'Codes', 'code');
    }
    this.userCode = `
      void main() {
        ${params}
        setOutput(scale == 0.0 ? 0.0 : (code - codeMin) * scale + offset);
      }
    `;
  }
}
