/**
 * Pinned weights against the weight input on the cpu backend, kernel by kernel, on the layer shapes of
 * the e2e models (MobileNet-v1 0.5/128 and the demo CNN): the same kernel called with `b`/`filter`
 * (packed-weight cache warm) and with `attrs.pinnedWeights`, alternating in one process, CPU time per
 * call (robust to other processes). Prints unpinned/pinned (≥ 1: pinned is at least as fast) and the
 * pinned bytes per code. Build first: node packages/backend-cpu/scripts/pinned_ratio.mjs [ms per side]
 */
import '@tensorflow/tfjs-backend-cpu';
import { ClipqConv2DInt8, ClipqDepthwiseConv2DInt8, ClipqMatMulInt8 } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import { packedWeightCache } from '../dist/base.js';
import '../dist/index.js';
import { alternate } from './cpu_time.mjs';

await tf.setBackend('cpu');
const budgetMs = Number(process.argv[2] ?? 400);
const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);
let seed = 1;
function codes(shape) {
  const values = new Int32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    values[i] = (seed % 255) - 127;
  }
  return tf.tensor(values, shape, 'int32');
}
const requantize = { nudgedMin: 0, nudgedMax: 6, scale: 6 / 255, codeMin: -128, zeroCode: -128 };

// label, kernel, input shape (x, or matmul a), weight shape, stride
const layers = [
  ['mnet conv0 3→16 s2 (im2col)', ClipqConv2DInt8, [1, 128, 128, 3], [3, 3, 3, 16], 2],
  ['mnet dw 64x64x16', ClipqDepthwiseConv2DInt8, [1, 64, 64, 16], [3, 3, 16, 1], 1],
  ['mnet pw 64x64 16→32', ClipqConv2DInt8, [1, 64, 64, 16], [1, 1, 16, 32], 1],
  ['mnet dw 8x8x256', ClipqDepthwiseConv2DInt8, [1, 8, 8, 256], [3, 3, 256, 1], 1],
  ['mnet pw 8x8 256→256', ClipqConv2DInt8, [1, 8, 8, 256], [1, 1, 256, 256], 1],
  ['mnet b16 pw 8x8 256→256', ClipqConv2DInt8, [16, 8, 8, 256], [1, 1, 256, 256], 1],
  ['mnet dense 1x512→1000 (gemv)', ClipqMatMulInt8, [1, 512], [512, 1000], 1],
  ['mnet dense 16x512→1000 (gemm)', ClipqMatMulInt8, [16, 512], [512, 1000], 1],
  ['demo conv 28x28 1→16 (direct)', ClipqConv2DInt8, [1, 28, 28, 1], [3, 3, 1, 16], 1],
  ['demo b16 conv 28x28 1→16 (direct)', ClipqConv2DInt8, [16, 28, 28, 1], [3, 3, 1, 16], 1],
  ['demo conv 14x14 16→32 (im2col)', ClipqConv2DInt8, [1, 14, 14, 16], [3, 3, 16, 32], 1],
];

let pinnedBytes = 0;
let pinnedCodes = 0;
for (const [label, kernel, inputShape, weightShape, stride] of layers) {
  const matmul = kernel === ClipqMatMulInt8;
  const channels = kernel === ClipqDepthwiseConv2DInt8 ? weightShape[2] : weightShape.at(-1);
  const input = codes(inputShape);
  const weights = codes(weightShape);
  const scale = tf.fill([channels], 0.01);
  const zeroPoint = tf.zeros([channels], 'int32');
  const bias = tf.randomUniform([channels]);
  const inputs = matmul
    ? { a: input, bScale: scale, bZeroPoint: zeroPoint, bias }
    : { x: input, wScale: scale, wZeroPoint: zeroPoint, bias };
  const epilogue = { activation: 'relu6', hasBias: true, requantize };
  const attrs = matmul
    ? { aScale: 0.02, aZeroPoint: -3, transposeB: false, ...epilogue }
    : {
        xScale: 0.02,
        xZeroPoint: -3,
        strides: [stride, stride],
        pad: 'same',
        dilations: [1, 1],
        ...epilogue,
      };
  const key = {};
  const before = packedWeightCache.bytes();
  if (!packedWeightCache.pin(key, { kernelName: kernel, codes: weights }))
    throw new Error(`${label}: not pinned`);
  pinnedBytes += packedWeightCache.bytes() - before;
  pinnedCodes += sizeOf(weightShape);
  const run = (named, a) => tf.engine().runKernel(kernel, named, a).dispose();
  const [unpinned, pinned] = await alternate(
    [
      () => run({ ...inputs, [matmul ? 'b' : 'filter']: weights }, attrs),
      () => run(inputs, { ...attrs, pinnedWeights: { key, shape: weightShape } }),
    ],
    { budgetMs },
  );
  console.log(
    `${label.padEnd(36)} unpinned ${unpinned.toFixed(3).padStart(8)} ms  pinned ${pinned.toFixed(3).padStart(8)} ms  ratio ${(unpinned / pinned).toFixed(3)}`,
  );
  packedWeightCache.release(key);
  for (const t of [input, weights, scale, zeroPoint, bias]) t.dispose();
}
console.log(`pinned bytes per code over all layers: ${(pinnedBytes / pinnedCodes).toFixed(4)}`);
