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
import {
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { rawPassesEnabled } from '../flags.js';
import { readValues, reshapedView } from '../gl/webgl_backend.js';
import {
  FakeQuantDxProgram,
  FakeQuantRangeSumsProgram,
  RowSumProgram,
} from '../programs/fake-quant-grad-program.js';
import { RangeGradProgram } from '../programs/range-grad-program.js';
import { fitsRangeGradPasses, rangeGradWebGL2 } from '../range_grad_webgl2.js';
import { type NudgedRanges, nudgedRanges, rangeInputs, rangeParams } from '../range_params.js';

/** The three per-channel sums as a [3, C] tensor, reduced on the GPU by tfjs programs. */
function rangeSums(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
  ranges: NudgedRanges,
): TensorInfo {
  const layout = channelLayout(inputs.x.shape, attrs.perChannel, attrs.axis);
  const view: [number, number, number] = [layout.outer, layout.channels, layout.inner];
  const x = reshapedView(backend, inputs.x, view);
  const dy = reshapedView(backend, inputs.dy, view);
  let partials: TensorInfo;
  try {
    const program = new FakeQuantRangeSumsProgram(view, ranges.source);
    const inputs = [dy.info, x.info, ...ranges.inputs];
    partials = backend.runWebGLProgram(program, inputs, 'float32', ranges.uniforms);
  } finally {
    x.dispose();
    dy.dispose();
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

/** The tfjs-program path (WebGL1): tree-reduced sums, then one combine program per output. */
function rangeGradPrograms(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
  ranges: NudgedRanges,
): TensorInfo[] {
  const sums = rangeSums(backend, inputs, attrs, ranges);
  const bounds = rangeInputs(backend, inputs.min, inputs.max);
  try {
    const full = attrs.rangeGradient === 'full' ? 1 : 0;
    const program = new RangeGradProgram(inputs.min.shape);
    const scale = attrs.gradScale;
    return [-1, 1].map((sign) =>
      backend.runWebGLProgram(program, [sums, ...bounds.infos], 'float32', [
        [sign],
        [full],
        [scale],
      ]),
    );
  } finally {
    backend.disposeIntermediateTensorInfo(sums);
    bounds.dispose();
  }
}

/** The raw WebGL2 path, whose params texture is built on the CPU from min and max. */
function rangeGradRaw(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
): TensorInfo[] {
  const params = rangeParams(backend, inputs.min, inputs.max, attrs.bits, attrs.narrowRange);
  const mins = readValues(backend, inputs.min);
  const maxs = readValues(backend, inputs.max);
  const widths = Float32Array.from(mins, (m, c) =>
    Math.fround(Math.fround(maxs[c]!) - Math.fround(m)),
  );
  return rangeGradWebGL2(backend, inputs, attrs, params, widths);
}

export function clipqFakeQuantGrad(args: {
  inputs: ClipqFakeQuantGradInputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo[] {
  const backend = args.backend as MathBackendWebGL;
  const attrs = args.attrs as unknown as ClipqFakeQuantGradAttrs;
  const { dy, x, min, max } = args.inputs;
  const ranges = nudgedRanges(backend, min, max, attrs);
  try {
    const dxProgram = new FakeQuantDxProgram(x.shape, attrs.perChannel, attrs.axis, ranges.source);
    const dx = backend.runWebGLProgram(
      dxProgram,
      [dy, x, ...ranges.inputs],
      'float32',
      ranges.uniforms,
    );
    const channels = util.sizeFromShape(min.shape);
    const raw = rawPassesEnabled() && fitsRangeGradPasses(backend, channels);
    const ranged = raw
      ? rangeGradRaw(backend, args.inputs, attrs)
      : rangeGradPrograms(backend, args.inputs, attrs, ranges);
    return [dx, ...ranged];
  } finally {
    ranges.dispose();
  }
}

export const clipqFakeQuantGradConfig: KernelConfig = {
  kernelName: ClipqFakeQuantGrad,
  backendName: 'webgl',
  kernelFunc: clipqFakeQuantGrad as unknown as KernelFunc,
};
