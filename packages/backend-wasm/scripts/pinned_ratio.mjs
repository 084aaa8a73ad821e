#!/usr/bin/env node
/**
 * Pinned weights against the weight input, kernel by kernel, on the layer shapes of bench/e2e.mjs's
 * models (MobileNet-v1 0.5/128 and the demo CNN): the same kernel called with `filter`/`b` (packed-weight
 * cache warm) and with `attrs.pinnedWeights`, interleaved in one process. Reports medians and
 * unpinned/pinned (≥ 1 means pinned is as fast). Build first (`pnpm build`).
 *
 *   node scripts/pinned_ratio.mjs [runs per side, default 60]
 */
import '@tensorflow/tfjs-backend-wasm';
import { ClipqConv2DInt8, ClipqDepthwiseConv2DInt8, ClipqMatMulInt8 } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import { wasmPackedWeightCache } from '../dist/base.js';
import '../dist/index.js';

await tf.setBackend('wasm');
await tf.ready();
const runs = Number(process.argv[2] ?? 60);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const codes = (shape) =>
  tf.tensor(
    Int32Array.from({ length: size(shape) }, () => Math.floor(Math.random() * 255) - 127),
    shape,
    'int32',
  );
const requantize = { nudgedMin: 0, nudgedMax: 6, scale: 6 / 255, codeMin: -128, zeroCode: -128 };

// [label, kernel, x or a shape, weight shape, stride]
const LAYERS = [
  ['mobilenet conv0 (direct)', ClipqConv2DInt8, [1, 128, 128, 3], [3, 3, 3, 16], 2],
  ['mobilenet dw 64x64x16', ClipqDepthwiseConv2DInt8, [1, 64, 64, 16], [3, 3, 16, 1], 1],
  ['mobilenet pw 64x64 16→32', ClipqConv2DInt8, [1, 64, 64, 16], [1, 1, 16, 32], 1],
  ['mobilenet dw 8x8x256', ClipqDepthwiseConv2DInt8, [1, 8, 8, 256], [3, 3, 256, 1], 1],
  ['mobilenet pw 8x8 256→256', ClipqConv2DInt8, [1, 8, 8, 256], [1, 1, 256, 256], 1],
  ['mobilenet pw 4x4 256→512', ClipqConv2DInt8, [1, 4, 4, 256], [1, 1, 256, 512], 1],
  ['mobilenet b16 pw 8x8 256→256', ClipqConv2DInt8, [16, 8, 8, 256], [1, 1, 256, 256], 1],
  ['mobilenet dense 1x512→1000 (gemv)', ClipqMatMulInt8, [1, 512], [512, 1000], 1],
  ['mobilenet dense 16x512→1000 (gemm)', ClipqMatMulInt8, [16, 512], [512, 1000], 1],
  ['demo conv 28x28 1→16 (direct)', ClipqConv2DInt8, [1, 28, 28, 1], [3, 3, 1, 16], 1],
  ['demo conv 13x13 16→32 (im2col)', ClipqConv2DInt8, [1, 13, 13, 16], [3, 3, 16, 32], 1],
  ['demo b16 conv 13x13 16→32 (im2col)', ClipqConv2DInt8, [16, 13, 13, 16], [3, 3, 16, 32], 1],
];

const bytesPerCode = [];
for (const [label, kernel, xShape, weightShape, stride] of LAYERS) {
  const channels = kernel === ClipqDepthwiseConv2DInt8 ? weightShape[2] : weightShape.at(-1);
  const input = codes(xShape);
  const weights = codes(weightShape);
  const common = {
    wScale: tf.fill([channels], 0.01),
    wZeroPoint: tf.zeros([channels], 'int32'),
    bias: tf.randomUniform([channels]),
  };
  const matmul = kernel === ClipqMatMulInt8;
  const inputs = matmul
    ? { a: input, bScale: common.wScale, bZeroPoint: common.wZeroPoint, bias: common.bias }
    : { x: input, ...common };
  const attrs = matmul
    ? { aScale: 0.02, aZeroPoint: -3, transposeB: false, activation: 'relu6', hasBias: true }
    : {
        xScale: 0.02,
        xZeroPoint: -3,
        strides: [stride, stride],
        pad: 'same',
        dilations: [1, 1],
        activation: 'relu6',
        hasBias: true,
      };
  attrs.requantize = requantize;
  const key = {};
  const before = wasmPackedWeightCache.bytes();
  if (!wasmPackedWeightCache.pin(key, { kernelName: kernel, codes: weights }))
    throw new Error(`${label}: pin failed`);
  bytesPerCode.push((wasmPackedWeightCache.bytes() - before) / size(weightShape));
  const pinnedAttrs = { ...attrs, pinnedWeights: { key, shape: weightShape } };
  const weightInput = matmul ? { b: weights } : { filter: weights };
  const time = (named, a) => {
    const start = performance.now();
    tf.engine().runKernel(kernel, named, a).dispose();
    return performance.now() - start;
  };
  const unpinned = () => time({ ...inputs, ...weightInput }, attrs);
  const pinned = () => time(inputs, pinnedAttrs);
  for (let i = 0; i < 5; i++) {
    unpinned();
    pinned();
  }
  const [u, p] = [[], []];
  for (let i = 0; i < runs; i++) {
    if (i % 2) {
      u.push(unpinned());
      p.push(pinned());
    } else {
      p.push(pinned());
      u.push(unpinned());
    }
  }
  console.log(
    `${label.padEnd(38)} unpinned ${median(u).toFixed(3)} ms, pinned ${median(p).toFixed(3)} ms, ratio ${(median(u) / median(p)).toFixed(3)}`,
  );
  wasmPackedWeightCache.release(key);
  wasmPackedWeightCache.release(weights.dataId);
  for (const t of [input, weights, ...Object.values(common)]) t.dispose();
}
console.log(`pinned bytes per code: ${bytesPerCode.map((b) => b.toFixed(3)).join(', ')}`);
