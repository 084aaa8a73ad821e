/**
 * ClipqFakeQuantGrad for backend 'webgl'. dx is one element-wise program. The range gradients need
 * three sums per channel (dy below the range, above it, and the rounding term): one program writes all
 * three terms, tfjs's GPU reduction sums them, and a tiny program combines them into dmin and dmax.
 */
import {
  ClipqFakeQuantGrad,
  type ClipqFakeQuantGradAttrs,
  type ClipqFakeQuantGradInputs,
  channelLayout,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import {
  engine,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  sum,
  type Tensor,
  type TensorInfo,
  tidy,
} from '@tensorflow/tfjs-core';
import { readValues, reshapedView } from '../gl/webgl_backend.js';
import {
  FakeQuantDxProgram,
  FakeQuantRangeTermsProgram,
} from '../programs/fake-quant-grad-program.js';
import { RangeGradProgram } from '../programs/range-grad-program.js';
import { rangeParams, runRangeProgram } from '../range_params.js';

/** The three per-channel sums [3, C], reduced on the GPU. */
function rangeSums(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
  params: Float32Array,
): Tensor {
  const layout = channelLayout(inputs.x.shape, attrs.perChannel, attrs.axis);
  const view: [number, number, number] = [layout.outer, layout.channels, layout.inner];
  const x = reshapedView(backend, inputs.x, view);
  const dy = reshapedView(backend, inputs.dy, view);
  const paramsInfo = backend.makeTensorInfo([layout.channels, 4], 'float32', params);
  try {
    const halfEven = attrs.rounding === 'half-even' ? 1 : 0;
    const terms = backend.runWebGLProgram(
      new FakeQuantRangeTermsProgram(view),
      [dy.info, x.info, paramsInfo],
      'float32',
      [[halfEven]],
    );
    return tidy(() => sum(engine().makeTensorFromTensorInfo(terms), [1, 3]));
  } finally {
    x.dispose();
    dy.dispose();
    backend.disposeIntermediateTensorInfo(paramsInfo);
  }
}

export function clipqFakeQuantGrad(args: {
  inputs: ClipqFakeQuantGradInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo[] {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqFakeQuantGradAttrs;
  const { dy, x, min, max } = args.inputs;
  const params = rangeParams(backend, min, max, attrs.bits, attrs.narrowRange);
  const dxProgram = new FakeQuantDxProgram(x.shape, attrs.perChannel, attrs.axis);
  const dx = runRangeProgram(backend, dxProgram, [dy, x], params, attrs.perChannel, 'float32', []);

  const sums = rangeSums(backend, args.inputs, attrs, params.values);
  const mins = readValues(backend, min);
  const maxs = readValues(backend, max);
  const widths = Float32Array.from(mins, (m, c) =>
    Math.fround(Math.fround(maxs[c]!) - Math.fround(m)),
  );
  const widthsInfo = backend.makeTensorInfo([widths.length], 'float32', widths);
  try {
    const full = attrs.rangeGradient === 'full' ? 1 : 0;
    const program = new RangeGradProgram(min.shape);
    const dmin = backend.runWebGLProgram(program, [sums, widthsInfo], 'float32', [
      [-1],
      [full],
      [attrs.gradScale],
    ]);
    const dmax = backend.runWebGLProgram(program, [sums, widthsInfo], 'float32', [
      [1],
      [full],
      [attrs.gradScale],
    ]);
    return [dx, dmin, dmax];
  } finally {
    sums.dispose();
    backend.disposeIntermediateTensorInfo(widthsInfo);
  }
}

export const clipqFakeQuantGradConfig: KernelConfig = {
  kernelName: ClipqFakeQuantGrad,
  backendName: 'webgl',
  kernelFunc: clipqFakeQuantGrad as unknown as KernelFunc,
};
