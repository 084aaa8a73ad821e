/**
 * Shared int8 convolution conformance cases: conv2dInt8 and depthwiseConv2dInt8 bit-identical to the
 * naive integer reference over random shapes, strides, paddings, dilations, multipliers, edge codes and
 * zero points; and the requantization to the next layer's codes (exact float32 rescaling through
 * `quantize`, half-up ties) identical to the pure Impl.
 */
import { tensor } from '@tensorflow/tfjs-core';
import { convGeometry } from '../impl/conv_geometry.js';
import {
  conv2dInt8AccImpl,
  convInt8OutputImpl,
  depthwiseConv2dInt8AccImpl,
} from '../impl/conv2d_int8_impl.js';
import { channelLayout } from '../impl/layout.js';
import { quantizeImpl } from '../impl/quantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  type FusedActivation,
} from '../kernel_names.js';
import { conv2dInt8 } from '../ops/conv2d_int8.js';
import { depthwiseConv2dInt8 } from '../ops/depthwise_conv2d_int8.js';
import type { OutputRange } from '../ops/output_range.js';
import { quantize } from '../ops/quantize.js';
import { assertExact, rng } from './assert.js';
import { type ConformanceCase, caseOn } from './backend.js';
import { randomCodes } from './int8_cases.js';
import { packedCopy } from './pinned.js';
import { assertRequantized, clippingRange } from './requantize.js';

export interface ConvCase {
  depthwise: boolean;
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  /** Output channels (conv) or channel multiplier (depthwise). */
  outOrMultiplier: number;
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid';
  perChannel: boolean;
  activation: FusedActivation;
  bias: boolean;
}

/** Seeded random cases, plus fixed ones covering each option. */
export function convCases(count: number): ConvCase[] {
  const fixed: ConvCase[] = [
    {
      depthwise: false,
      batch: 1,
      height: 5,
      width: 5,
      inChannels: 3,
      outOrMultiplier: 4,
      kernel: [3, 3],
      strides: [1, 1],
      dilations: [1, 1],
      pad: 'same',
      perChannel: true,
      activation: 'relu',
      bias: true,
    },
    {
      depthwise: false,
      batch: 2,
      height: 7,
      width: 6,
      inChannels: 40,
      outOrMultiplier: 5,
      kernel: [3, 3],
      strides: [2, 2],
      dilations: [1, 1],
      pad: 'valid',
      perChannel: true,
      activation: 'linear',
      bias: false,
    },
    {
      depthwise: false,
      batch: 1,
      height: 9,
      width: 8,
      inChannels: 2,
      outOrMultiplier: 3,
      kernel: [3, 2],
      strides: [1, 1],
      dilations: [2, 3],
      pad: 'same',
      perChannel: false,
      activation: 'relu6',
      bias: true,
    },
    {
      depthwise: true,
      batch: 1,
      height: 6,
      width: 6,
      inChannels: 8,
      outOrMultiplier: 1,
      kernel: [3, 3],
      strides: [2, 2],
      dilations: [1, 1],
      pad: 'same',
      perChannel: true,
      activation: 'relu6',
      bias: true,
    },
    {
      depthwise: true,
      batch: 2,
      height: 5,
      width: 7,
      inChannels: 3,
      outOrMultiplier: 2,
      kernel: [3, 3],
      strides: [1, 1],
      dilations: [2, 2],
      pad: 'valid',
      perChannel: true,
      activation: 'linear',
      bias: false,
    },
    {
      depthwise: false,
      batch: 1,
      height: 4,
      width: 4,
      inChannels: 300,
      outOrMultiplier: 2,
      kernel: [1, 1],
      strides: [1, 1],
      dilations: [1, 1],
      pad: 'valid',
      perChannel: true,
      activation: 'linear',
      bias: false,
    },
  ];
  const r = rng(4242);
  const pick = <T>(values: readonly T[]) => values[Math.floor(r() * values.length)]!;
  const random: ConvCase[] = [];
  for (let i = 0; i < count; i++) {
    const strided = r() < 0.5;
    const step = 1 + Math.floor(r() * 2);
    random.push({
      depthwise: r() < 0.4,
      batch: 1 + Math.floor(r() * 2),
      height: 3 + Math.floor(r() * 6),
      width: 3 + Math.floor(r() * 6),
      inChannels: 1 + Math.floor(r() * 6),
      outOrMultiplier: 1 + Math.floor(r() * 4),
      kernel: [1 + Math.floor(r() * 3), 1 + Math.floor(r() * 3)],
      strides: strided ? [step, 1 + Math.floor(r() * 2)] : [1, 1],
      dilations: strided ? [1, 1] : [step, 1 + Math.floor(r() * 2)],
      pad: pick(['same', 'valid'] as const),
      perChannel: r() < 0.7,
      activation: pick(['linear', 'relu', 'relu6'] as const),
      bias: r() < 0.5,
    });
    const c = random[random.length - 1]!;
    const fits = (size: number, k: number, d: number) => (k - 1) * d + 1 <= size;
    if (!fits(c.height, c.kernel[0], c.dilations[0]) || !fits(c.width, c.kernel[1], c.dilations[1]))
      c.pad = 'same';
  }
  return [...fixed, ...random];
}

function describeConv(c: ConvCase): string {
  const kind = c.depthwise ? `depthwise ×${c.outOrMultiplier}` : `conv →${c.outOrMultiplier}`;
  return `${kind} [${c.batch},${c.height},${c.width},${c.inChannels}] k${c.kernel.join('x')} s${c.strides.join(',')} d${c.dilations.join(',')} ${c.pad} ${c.perChannel ? 'per-channel' : 'per-tensor'} ${c.activation}${c.bias ? ' bias' : ''}`;
}

/** Builds the operands and the exact expected float output of one case. */
export function makeConvOperands(c: ConvCase, seed: number) {
  const r = rng(seed);
  const [kh, kw] = c.kernel;
  const filterShape = [kh, kw, c.inChannels, c.outOrMultiplier];
  const outChannels = c.depthwise ? c.inChannels * c.outOrMultiplier : c.outOrMultiplier;
  const xCodes = randomCodes(r, c.batch * c.height * c.width * c.inChannels, 8, false);
  const wCodes = randomCodes(r, kh * kw * c.inChannels * c.outOrMultiplier, 8, !c.perChannel);
  const weightChannels = c.perChannel ? (c.depthwise ? c.inChannels : c.outOrMultiplier) : 1;
  const wScale = Float32Array.from({ length: weightChannels }, () =>
    Math.fround(1e-3 + r() * 0.02),
  );
  const wZeroPoint = Int32Array.from({ length: weightChannels }, () =>
    c.perChannel ? 0 : -3 + Math.floor(r() * 7),
  );
  const xScale = Math.fround(0.01 + r() * 0.05);
  const xZeroPoint = -128 + Math.floor(r() * 256);
  const bias = c.bias
    ? Float32Array.from({ length: outChannels }, () => Math.fround((r() - 0.5) * 2))
    : null;
  const x = new QuantizedTensor(
    tensor(xCodes, [c.batch, c.height, c.width, c.inChannels], 'int32'),
    {
      scale: Float32Array.of(xScale),
      zeroPoint: Int32Array.of(xZeroPoint),
      axis: null,
      bits: 8,
      narrowRange: false,
    },
  );
  const filter = new QuantizedTensor(tensor(wCodes, filterShape, 'int32'), {
    scale: wScale,
    zeroPoint: wZeroPoint,
    axis: c.perChannel ? (c.depthwise ? 2 : 3) : null,
    bits: 8,
    narrowRange: !c.perChannel,
  });
  const geometry = convGeometry(x.shape, kh, kw, c.strides, c.dilations, c.pad);
  const expand = (values: ArrayLike<number>) =>
    c.perChannel && c.depthwise
      ? Array.from({ length: outChannels }, (_, n) => values[Math.floor(n / c.outOrMultiplier)]!)
      : Array.from(values);
  const problem = {
    x: xCodes,
    filter: wCodes,
    geometry,
    xZeroPoint,
    wZeroPoint: expand(wZeroPoint),
  };
  const acc = c.depthwise
    ? depthwiseConv2dInt8AccImpl(problem, c.outOrMultiplier)
    : conv2dInt8AccImpl(problem, outChannels);
  const expected = convInt8OutputImpl(acc, outChannels, {
    xScale,
    wScale: expand(wScale),
    bias,
    activation: c.activation,
  });
  const options = {
    strides: c.strides,
    dilations: c.dilations,
    pad: c.pad,
    activation: c.activation,
    ...(bias ? { bias } : {}),
  };
  const run = (weights: QuantizedTensor = filter) =>
    c.depthwise ? depthwiseConv2dInt8(x, weights, options) : conv2dInt8(x, weights, options);
  const runRequantized = (outputRange: OutputRange, weights: QuantizedTensor = filter) =>
    c.depthwise
      ? depthwiseConv2dInt8(x, weights, { ...options, outputRange })
      : conv2dInt8(x, weights, { ...options, outputRange });
  return {
    x,
    filter,
    expected,
    run,
    runRequantized,
    outShape: [c.batch, geometry.outHeight, geometry.outWidth, outChannels],
  };
}

/** Every int8 convolution conformance case, to be run on `backendName`. */
export function convInt8ConformanceCases(
  backendName: string,
  options: { randomCases?: number } = {},
): ConformanceCase[] {
  const cases = convCases(options.randomCases ?? 16).map((c, i) =>
    caseOn(
      backendName,
      `${c.depthwise ? 'depthwiseConv2dInt8' : 'conv2dInt8'} exact: ${describeConv(c)}`,
      () => {
        const { x, filter, expected, run, runRequantized, outShape } = makeConvOperands(c, 500 + i);
        const out = run();
        if (out.shape.join() !== outShape.join())
          throw new Error(`output shape [${out.shape}], expected [${outShape}]`);
        assertExact(out.dataSync(), expected, describeConv(c));
        assertExact(run().dataSync(), expected, `${describeConv(c)} (second call, cached weights)`);
        const range = clippingRange(expected, i);
        const q = runRequantized(range);
        if (q.shape.join() !== outShape.join())
          throw new Error(`requantized output shape [${q.shape}], expected [${outShape}]`);
        assertRequantized(q, expected, range, `${describeConv(c)} requantized`);
        q.dispose();
        // Pinned weights (QuantizedTensor.pack): the filter only in the backend's packed cache.
        const kernelName = c.depthwise ? ClipqDepthwiseConv2DInt8 : ClipqConv2DInt8;
        const pinned = packedCopy(filter, kernelName);
        const what = `${describeConv(c)} pinned`;
        assertExact(run(pinned.weights).dataSync(), expected, what);
        const qp = runRequantized(range, pinned.weights);
        assertRequantized(qp, expected, range, `${what} requantized`);
        qp.dispose();
        pinned.assertStillPacked(what);
        pinned.finish(what);
        x.dispose();
        filter.dispose();
      },
    ),
  );
  cases.push(
    caseOn(
      backendName,
      'requantization: conv output → next layer codes, exact float32 rescaling, half-up ties',
      () => {
        // xScale·wScale = 0.5 with zero points 0: outputs are multiples of 0.5, so every odd accumulator is
        // an exact tie of the [0, 255] output grid (scale 1).
        const x = new QuantizedTensor(
          tensor(
            Int32Array.from({ length: 16 }, (_, i) => i - 8),
            [1, 4, 4, 1],
            'int32',
          ),
          {
            scale: Float32Array.of(1),
            zeroPoint: Int32Array.of(0),
            axis: null,
            bits: 8,
            narrowRange: false,
          },
        );
        const filter = new QuantizedTensor(tensor([1, 2, 3, 1], [2, 2, 1, 1], 'int32'), {
          scale: Float32Array.of(0.5),
          zeroPoint: Int32Array.of(0),
          axis: 3,
          bits: 8,
          narrowRange: true,
        });
        const out = conv2dInt8(x, filter, { pad: 'same' });
        const values = out.dataSync() as Float32Array;
        if (!values.some((v) => v % 1 !== 0))
          throw new Error('test setup: expected half-integer outputs');
        const next = quantize(out, 0, 255);
        const expected = quantizeImpl(
          values,
          [0],
          [255],
          channelLayout(out.shape, false, 0),
          8,
          false,
        );
        assertExact(next.codes.dataSync(), expected.codes, 'requantized codes');
        const halfUp = Array.from(
          values,
          (v) => Math.min(Math.max(Math.floor(v + 0.5), 0), 255) - 128,
        );
        assertExact(next.codes.dataSync(), halfUp, 'half-up ties');
        const fused = conv2dInt8(x, filter, { pad: 'same', outputRange: { min: 0, max: 255 } });
        assertExact(fused.codes.dataSync(), halfUp, 'half-up ties, requantized in the kernel');
        for (const q of [x, filter, next, fused]) q.dispose();
      },
    ),
  );
  return cases;
}
