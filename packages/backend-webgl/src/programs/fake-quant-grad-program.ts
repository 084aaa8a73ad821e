/**
 * ClipqFakeQuantGrad's element-wise programs.
 * - FakeQuantDxProgram: the straight-through estimator, dx = dy inside the nudged range, else 0.
 * - FakeQuantRangeTermsProgram: over x viewed as [outer, C, inner], writes [3, outer, C, inner]:
 *   dy below the range, dy above it, and dy·(y − x) inside it (the 'full' rounding term). GPU
 *   reductions (tfjs's sum over axes 1 and 3) then give the three per-channel sums.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import {
  channelRangeDeclarations,
  GRID_INDEX_GLSL,
  RANGE_UNIFORMS,
  ROUNDING_UNIFORM,
} from './fake-quant-glsl.js';

export class FakeQuantDxProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number) {
    this.outputShape = shape;
    this.variableNames = perChannel ? ['Dy', 'X', 'Params'] : ['Dy', 'X'];
    this.customUniforms = perChannel ? [] : RANGE_UNIFORMS.slice(0, 3);
    this.userCode = `
      void main() {
        ${channelRangeDeclarations(perChannel, shape.length, axis)}
        float x = getXAtOutCoords();
        setOutput(x >= nudgedMin && x <= nudgedMax ? getDyAtOutCoords() : 0.0);
      }
    `;
  }
}

export class FakeQuantRangeTermsProgram implements GPGPUProgram {
  variableNames = ['Dy', 'X', 'Params'];
  outputShape: number[];
  userCode: string;
  customUniforms = [ROUNDING_UNIFORM];

  /** `view` is x's shape as [outer, C, inner]; ranges always come from the [C, 4] params texture. */
  constructor(view: [number, number, number]) {
    this.outputShape = [3, ...view];
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ${channelRangeDeclarations(true, 4, 2)}
        int term = coords.x;
        float x = getX(coords.y, coords.z, coords.w);
        float dy = getDy(coords.y, coords.z, coords.w);
        float value = 0.0;
        if (term == 0) {
          value = x < nudgedMin ? dy : 0.0;
        } else if (term == 1) {
          value = x > nudgedMax ? dy : 0.0;
        } else if (x >= nudgedMin && x <= nudgedMax) {
          value = dy * (fakeQuantValue(x, scale, nudgedMin, nudgedMax) - x);
        }
        setOutput(value);
      }
    `;
  }
}
