/** Checks the ClipqMatMulInt8 inputs and returns the problem's dimensions. */
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  requiredWeightInput,
  weightShape,
} from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { MatMulInt8KernelInputs } from './weight_source.js';

export interface MatMulInt8Dimensions {
  M: number;
  K: number;
  N: number;
}

function fail(message: string): never {
  throw new Error(`matMulInt8: ${message}`);
}

function checkVector(name: string, info: TensorInfo, N: number, allowScalar: boolean): void {
  const size = info.shape.reduce((x, y) => x * y, 1);
  if (info.shape.length > 1 || !(size === N || (allowScalar && size === 1))) {
    fail(`${name} must have shape [${N}]${allowScalar ? ' or [1]' : ''}, got [${info.shape}]`);
  }
}

export function validateMatMulInt8(
  inputs: MatMulInt8KernelInputs,
  attrs: ClipqMatMulInt8Attrs,
): MatMulInt8Dimensions {
  const { a } = inputs;
  const pinned = attrs.pinnedWeights;
  if (pinned && attrs.transposeB) fail('transposeB must be false with pinned weights');
  const bShape = weightShape(ClipqMatMulInt8, inputs.b, pinned);
  if (a.dtype !== 'int32') fail(`a's codes must be int32, got ${a.dtype}`);
  const bDtype = pinned ? 'int32' : requiredWeightInput(ClipqMatMulInt8, inputs.b).dtype;
  if (bDtype !== 'int32') fail(`b's codes must be int32, got ${bDtype}`);
  if (a.shape.length !== 2) fail(`a must be 2-D [M,K], got shape [${a.shape}]`);
  if (bShape.length !== 2) fail(`b must be 2-D, got shape [${bShape}]`);
  const [M, K] = a.shape as [number, number];
  const [kB, N] = (attrs.transposeB ? [bShape[1], bShape[0]] : bShape) as [number, number];
  if (kB !== K) {
    fail(
      `inner dimensions differ: a is [${a.shape}], b is [${bShape}]${attrs.transposeB ? ' (transposed)' : ''}${pinned ? ' (pinned)' : ''}`,
    );
  }
  checkVector('bScale', inputs.bScale, N, true);
  checkVector('bZeroPoint', inputs.bZeroPoint, N, true);
  if (
    inputs.bScale.shape.reduce((x, y) => x * y, 1) !==
    inputs.bZeroPoint.shape.reduce((x, y) => x * y, 1)
  ) {
    fail(
      `bScale [${inputs.bScale.shape}] and bZeroPoint [${inputs.bZeroPoint.shape}] differ in length`,
    );
  }
  if (attrs.hasBias) {
    if (inputs.bias == null) fail('hasBias is true but no bias input was given');
    checkVector('bias', inputs.bias, N, false);
  }
  if (!['linear', 'relu', 'relu6'].includes(attrs.activation)) {
    fail(`activation must be 'linear', 'relu' or 'relu6', got '${attrs.activation}'`);
  }
  if (!Number.isInteger(attrs.aZeroPoint))
    fail(`aZeroPoint must be an integer, got ${attrs.aZeroPoint}`);
  return { M, K, N };
}
