/**
 * Combines the per-channel sums [3, C] (below, above, rounding) into dmin or dmax (BRIEF 1):
 * dmin = (below − R/width)·gradScale, dmax = (above + R/width)·gradScale, with R used only for the
 * 'full' range gradient and a non-zero width = f32(max − min), from the [C] RangeMin/RangeMax inputs.
 */
import type { GPGPUProgram } from '@tensorflow/tfjs-backend-webgl';

export class RangeGradProgram implements GPGPUProgram {
  variableNames = ['Sums', 'RangeMin', 'RangeMax'];
  outputShape: number[];
  userCode: string;
  customUniforms = [
    { name: 'sign', type: 'float' as const },
    { name: 'full', type: 'int' as const },
    { name: 'gradScale', type: 'float' as const },
  ];

  /** `rangeShape` is min's shape: [] or [1] per tensor, [C] per channel. */
  constructor(rangeShape: number[]) {
    this.outputShape = rangeShape;
    const channel = rangeShape.length === 0 ? '0' : 'getOutputCoords()';
    this.userCode = `
      void main() {
        int channel = ${channel};
        float width = getRangeMax(channel) - getRangeMin(channel);
        float rounding = full == 1 && width > 0.0 ? getSums(2, channel) / width : 0.0;
        float clipped = getSums(sign < 0.0 ? 0 : 1, channel);
        setOutput((clipped + sign * rounding) * gradScale);
      }
    `;
  }
}
