/**
 * ClipqFakeQuantGrad for backend 'webgl'. dx is one element-wise program. The range gradients need
 * three sums per channel (dy below the range, above it, and the rounding term): a GPU tree reduction
 * whose first level computes the terms, then a tiny program combines the sums into dmin and dmax.
 */
import {
  ClipqFakeQuantGrad,
  type ClipqFakeQuantGradAttrs,
  type ClipqFakeQuantGradInputs,
  channelLayout,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { rawPassesEnabled } from '../flags.js';
import { readValues, reshapedView } from '../gl/webgl_backend.js';
import {
  FakeQuantDxProgram,
  FakeQuantRangeSumsProgram,
  RowSumProgram,
} from '../programs/fake-quant-grad-program.js';
import { RangeGradProgram } from '../programs/range-grad-program.js';
import { fitsRangeGradPasses, rangeGradWebGL2 } from '../range_grad_webgl2.js';
import { type RangeParams, rangeParams, runRangeProgram } from '../range_params.js';

/** The three per-channel sums as a [3, C] tensor, reduced on the GPU. */
function rangeSums(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
  params: Float32Array,
): TensorInfo {
  const layout = channelLayout(inputs.x.shape, attrs.perChannel, attrs.axis);
  const view: [number, number, number] = [layout.outer, layout.channels, layout.inner];
  const x = reshapedView(backend, inputs.x, view);
  const dy = reshapedView(backend, inputs.dy, view);
  const paramsInfo = backend.makeTensorInfo([layout.channels, 4], 'float32', params);
  let partials: TensorInfo;
  try {
    const halfEven = attrs.rounding === 'half-even' ? 1 : 0;
    const program = new FakeQuantRangeSumsProgram(view);
    partials = backend.runWebGLProgram(program, [dy.info, x.info, paramsInfo], 'float32', [
      [halfEven],
    ]);
  } finally {
    x.dispose();
    dy.dispose();
    backend.disposeIntermediateTensorInfo(paramsInfo);
  }
  const rows = 3 * layout.channels;
  let columns = partials.shape[2]!;
  while (columns > 1) {
    const level = { dataId: partials.dataId, shape: [rows, columns], dtype: partials.dtype };
    const next = backend.runWebGLProgram(new RowSumProgram(rows, columns), [level], 'float32');
    backend.disposeIntermediateTensorInfo(partials);
    partials = next;
    columns = next.shape[1]!;
  }
  return { dataId: partials.dataId, shape: [3, layout.channels], dtype: 'float32' };
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

  const mins = readValues(backend, min);
  const maxs = readValues(backend, max);
  const widths = Float32Array.from(mins, (m, c) =>
    Math.fround(Math.fround(maxs[c]!) - Math.fround(m)),
  );
  if (rawPassesEnabled() && fitsRangeGradPasses(backend, params.channels)) {
    return [dx, ...rangeGradWebGL2(backend, args.inputs, attrs, params, widths)];
  }
  return [dx, ...rangeGradPrograms(backend, args.inputs, attrs, params, widths)];
}

/** The tfjs-program path (WebGL1): tree-reduced sums, then one combine program per output. */
function rangeGradPrograms(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
  params: RangeParams,
  widths: Float32Array,
): TensorInfo[] {
  const sums = rangeSums(backend, inputs, attrs, params.values);
  const widthsInfo = backend.makeTensorInfo([widths.length], 'float32', widths);
  try {
    const full = attrs.rangeGradient === 'full' ? 1 : 0;
    const program = new RangeGradProgram(inputs.min.shape);
    const scale = attrs.gradScale;
    return [-1, 1].map((sign) =>
      backend.runWebGLProgram(program, [sums, widthsInfo], 'float32', [[sign], [full], [scale]]),
    );
  } finally {
    backend.disposeIntermediateTensorInfo(sums);
    backend.disposeIntermediateTensorInfo(widthsInfo);
  }
}

export const clipqFakeQuantGradConfig: KernelConfig = {
  kernelName: ClipqFakeQuantGrad,
  backendName: 'webgl',
  kernelFunc: clipqFakeQuantGrad as unknown as KernelFunc,
};
