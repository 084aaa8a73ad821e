/** ClipqFakeQuant's forward program: one fused pass, y = fakeQuant(x) element by element. */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import {
  GRID_INDEX_GLSL,
  type RangeSource,
  rangeDeclaration,
  rangeUniforms,
  rangeVariables,
} from './fake-quant-glsl.js';

export class FakeQuantProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number, source: RangeSource) {
    this.outputShape = shape;
    this.variableNames = ['X', ...rangeVariables(source)];
    this.customUniforms = rangeUniforms(source);
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ${rangeDeclaration(source, perChannel, shape.length, axis)}
        setOutput(fakeQuantValue(getXAtOutCoords(), range));
      }
    `;
  }
}
