/**
 * Nudges [C] min/max ranges on the GPU into a [C, 4] params tensor (scale, nudgedMin, nudgedMax,
 * zeroPoint on the unsigned grid), read by the element-wise fake-quant programs. One tiny pass.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { GRID_UNIFORMS, NUDGE_GLSL } from './fake-quant-glsl.js';

export class NudgeProgram implements GPGPUProgram {
  variableNames = ['RangeMin', 'RangeMax'];
  outputShape: number[];
  userCode: string;
  customUniforms = GRID_UNIFORMS;

  constructor(channels: number) {
    this.outputShape = [channels, 4];
    this.userCode = `
      ${NUDGE_GLSL}
      void main() {
        ivec2 rc = getOutputCoords();
        vec4 range = nudgedRange(getRangeMin(rc.x), getRangeMax(rc.x));
        setOutput(rc.y == 0 ? range.x : rc.y == 1 ? range.y : rc.y == 2 ? range.z : range.w);
      }
    `;
  }
}
