/**
 * ClipqQuantize's program: signed codes, gridIndex + qmin − codeOffset, or the zero point's code for
 * NaN inputs and empty ranges (see core's `quantizeImpl`).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { GRID_INDEX_GLSL, GRID_UNIFORMS, NUDGE_GLSL, rangeDeclaration } from './fake-quant-glsl.js';

export class QuantizeProgram implements GPGPUProgram {
  variableNames = ['X', 'RangeMin', 'RangeMax'];
  outputShape: number[];
  userCode: string;
  customUniforms = [...GRID_UNIFORMS, { name: 'codeOffset', type: 'float' as const }];

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    this.userCode = `
      ${NUDGE_GLSL}
      ${GRID_INDEX_GLSL}
      void main() {
        ${rangeDeclaration(perChannel, shape.length, axis)}
        float x = getXAtOutCoords();
        if (range.x == 0.0 || isnan(x)) {
          setOutput(range.w - codeOffset);
        } else {
          setOutput(gridIndex(x, range) + qmin - codeOffset);
        }
      }
    `;
  }
}
