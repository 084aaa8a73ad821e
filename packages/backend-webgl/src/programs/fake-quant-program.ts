/** ClipqFakeQuant's forward program: one fused pass, y = fakeQuant(x) element by element. */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import { GRID_INDEX_GLSL, GRID_UNIFORMS, NUDGE_GLSL, rangeDeclaration } from './fake-quant-glsl.js';

export class FakeQuantProgram implements GPGPUProgram {
  variableNames = ['X', 'RangeMin', 'RangeMax'];
  outputShape: number[];
  userCode: string;
  customUniforms = GRID_UNIFORMS;

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    this.userCode = `
      ${NUDGE_GLSL}
      ${GRID_INDEX_GLSL}
      void main() {
        ${rangeDeclaration(perChannel, shape.length, axis)}
        setOutput(fakeQuantValue(getXAtOutCoords(), range));
      }
    `;
  }
}
