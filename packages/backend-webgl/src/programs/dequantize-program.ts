/**
 * ClipqDequantize's program, in TF's two-step float32 form (see core's `dequantizeImpl`):
 * y = (code − codeMin)·scale + nudgedMin, where nudgedMin = f32((codeMin − zeroPoint)·scale) comes
 * from the CPU with the scale, as uniforms or a per-channel params texture.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { channelRangeDeclarations, RANGE_UNIFORMS } from './fake-quant-glsl.js';

export class DequantizeProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    this.variableNames = perChannel ? ['Codes', 'Params'] : ['Codes'];
    const extra = [{ name: 'codeMin', type: 'float' as const }];
    this.customUniforms = perChannel ? extra : [...RANGE_UNIFORMS.slice(0, 2), ...extra];
    this.userCode = `
      void main() {
        ${channelRangeDeclarations(perChannel, shape.length, axis)}
        float code = getCodesAtOutCoords();
        setOutput(scale == 0.0 ? 0.0 : (code - codeMin) * scale + nudgedMin);
      }
    `;
  }
}
