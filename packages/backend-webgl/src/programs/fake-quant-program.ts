/** ClipqFakeQuant's forward program: one fused pass, y = fakeQuant(x) element by element. */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import {
  channelRangeDeclarations,
  GRID_INDEX_GLSL,
  RANGE_UNIFORMS,
  ROUNDING_UNIFORM,
} from './fake-quant-glsl.js';

export class FakeQuantProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    this.variableNames = perChannel ? ['X', 'Params'] : ['X'];
    this.customUniforms = perChannel
      ? [ROUNDING_UNIFORM]
      : [...RANGE_UNIFORMS.slice(0, 3), ROUNDING_UNIFORM];
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ${channelRangeDeclarations(perChannel, shape.length, axis)}
        setOutput(fakeQuantValue(getXAtOutCoords(), scale, nudgedMin, nudgedMax));
      }
    `;
  }
}
