/** ClipqQuantize's program: signed codes, gridIndex + codeBase, or the zero code for NaN / empty ranges. */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import {
  channelRangeDeclarations,
  GRID_INDEX_GLSL,
  RANGE_UNIFORMS,
  ROUNDING_UNIFORM,
} from './fake-quant-glsl.js';

export class QuantizeProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    this.variableNames = perChannel ? ['X', 'Params'] : ['X'];
    const extra = [ROUNDING_UNIFORM, { name: 'codeBase', type: 'float' as const }];
    this.customUniforms = perChannel ? extra : [...RANGE_UNIFORMS, ...extra];
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ${channelRangeDeclarations(perChannel, shape.length, axis)}
        float x = getXAtOutCoords();
        if (scale == 0.0 || isnan(x)) {
          setOutput(zeroCode);
        } else {
          setOutput(gridIndex(x, scale, nudgedMin, nudgedMax) + codeBase);
        }
      }
    `;
  }
}
