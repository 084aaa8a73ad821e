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

  /** Reads a packed X texel directly (no unpack pass); the codes are written unpacked. */
  packedInputs = false;

  constructor(
    shape: number[],
    perChannel: boolean,
    axis: number,
    source: RangeSource,
    packedInput = false,
  ) {
    this.outputShape = shape;
    this.packedInputs = packedInput;
    this.variableNames = ['X', ...rangeVariables(source)];
    this.customUniforms = [
      ...rangeUniforms(source),
      { name: 'codeOffset', type: 'float' as const },
    ];
    this.userCode = `
      ${GRID_INDEX_GLSL}
      void main() {
        ${rangeDeclaration(source, perChannel, shape.length, axis)}
        ${packedInput ? packedRead(shape.length) : 'float x = getXAtOutCoords();'}
        if (range.x == 0.0 || isnan(x)) {
          setOutput(range.w - codeOffset);
        } else {
          setOutput(gridIndex(x, range) + qmin - codeOffset);
        }
      }
    `;
  }
}

/**
 * `float x` from a packed X (tfjs's 2×2 texels over the last two axes): the texel holding the output
 * coordinates, then the lane (row parity, column parity). The quantized outputs of clipq's conv and
 * matmul kernels are packed; reading them here saves tfjs's unpack pass per layer.
 */
export function packedRead(rank: number, input = 'X', name = 'x'): string {
  const axes = ['coords.x', 'coords.y', 'coords.z', 'coords.w'].slice(0, rank);
  return `
        ${rank === 2 ? 'ivec2' : rank === 3 ? 'ivec3' : 'ivec4'} coords = getOutputCoords();
        vec4 texel = get${input}(${axes.join(', ')});
        int lane = ((${axes[rank - 2]} & 1) << 1) | (${axes[rank - 1]} & 1);
        float ${name} = lane == 0 ? texel.x : lane == 1 ? texel.y : lane == 2 ? texel.z : texel.w;`;
}

/** Ranks whose packed layout `packedRead` addresses. */
export function packedReadable(rank: number): boolean {
  return rank >= 2 && rank <= 4;
}
