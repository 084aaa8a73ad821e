/**
 * ClipqFakeQuantGrad's element-wise programs.
 * - FakeQuantDxProgram: the straight-through estimator, dx = dy inside the nudged range, else 0.
 * - FakeQuantRangeSumsProgram: the first level of a tree reduction, fused with the terms: per channel,
 *   dy below the range, dy above it, and dy·(y − x) inside it (the 'full' rounding term), summed over
 *   windows of W elements. RowSumProgram adds further levels until one sum per row is left.
 *   (tfjs's own sum over axes [1, 3] transposes first and was 10x slower.)
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';
import {
  GRID_INDEX_GLSL,
  type RangeSource,
  rangeAt,
  rangeDeclaration,
  rangeUniforms,
  rangeVariables,
} from './fake-quant-glsl.js';

export class FakeQuantDxProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  constructor(shape: number[], perChannel: boolean, axis: number, source: RangeSource) {
    this.outputShape = shape;
    this.variableNames = ['Dy', 'X', ...rangeVariables(source)];
    this.customUniforms = rangeUniforms(source);
    this.userCode = `
      void main() {
        ${rangeDeclaration(source, perChannel, shape.length, axis)}
        float x = getXAtOutCoords();
        setOutput(x >= range.y && x <= range.z ? getDyAtOutCoords() : 0.0);
      }
    `;
  }
}

/** Elements each fragment of a range-sum pass adds up. */
export const SUM_WINDOW = 128;

export class FakeQuantRangeSumsProgram implements GPGPUProgram {
  variableNames: string[];
  outputShape: number[];
  userCode: string;
  customUniforms;

  /**
   * `view` is x's shape as [outer, C, inner]. Output [3, C, blocks]: fragment (term, c, block) sums
   * one term over the channel's elements block·W .. block·W + W − 1 (element j is (j / inner, c,
   * j % inner)).
   */
  constructor(view: [number, number, number], source: RangeSource) {
    const [outer, channels, inner] = view;
    this.variableNames = ['Dy', 'X', ...rangeVariables(source)];
    this.customUniforms = rangeUniforms(source);
    const perChannel = outer * inner;
    this.outputShape = [3, channels, Math.ceil(perChannel / SUM_WINDOW)];
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ivec3 coords = getOutputCoords();
        int channel = coords.y;
        ${rangeAt(source, 'channel')}
        int term = coords.x;
        int start = coords.z * ${SUM_WINDOW};
        float total = 0.0;
        for (int j = 0; j < ${SUM_WINDOW}; j++) {
          int element = start + j;
          if (element >= ${perChannel}) break;
          int o = element / ${inner};
          int i = element - o * ${inner};
          float x = getX(o, channel, i);
          float dy = getDy(o, channel, i);
          if (term == 0) {
            total += x < range.y ? dy : 0.0;
          } else if (term == 1) {
            total += x > range.z ? dy : 0.0;
          } else if (x >= range.y && x <= range.z) {
            total += dy * (fakeQuantValue(x, range) - x);
          }
        }
        setOutput(total);
      }
    `;
  }
}

/** One more level of the tree: [rows, columns] to [rows, ceil(columns / W)]. */
export class RowSumProgram implements GPGPUProgram {
  variableNames = ['Partials'];
  outputShape: number[];
  userCode: string;

  constructor(rows: number, columns: number) {
    this.outputShape = [rows, Math.ceil(columns / SUM_WINDOW)];
    this.userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int start = coords.y * ${SUM_WINDOW};
        float total = 0.0;
        for (int j = 0; j < ${SUM_WINDOW}; j++) {
          if (start + j >= ${columns}) break;
          total += getPartials(coords.x, start + j);
        }
        setOutput(total);
      }
    `;
  }
}
