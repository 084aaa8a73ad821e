/**
 * ClipqQuantize's program: signed codes, gridIndex + qmin − codeOffset, or the zero point's code for
 * NaN inputs and empty ranges (see core's `quantizeImpl`).
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import {
  GRID_INDEX_GLSL,
  type RangeSource,
  rangeDeclaration,
  rangeUniforms,
  rangeVariables,
} from './fake-quant-glsl.js';

export class QuantizeProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number, source: RangeSource) {
    this.outputShape = shape;
    this.variableNames = ['X', ...rangeVariables(source)];
    this.customUniforms = [
      ...rangeUniforms(source),
      { name: 'codeOffset', type: 'float' as const },
    ];
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ${rangeDeclaration(source, perChannel, shape.length, axis)}
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
