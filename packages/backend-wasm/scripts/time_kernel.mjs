#!/usr/bin/env node
/**
 * Times one int8 convolution kernel against tfjs-wasm's float equivalent (conv: fused conv2d + bias +
 * relu6; depthwise: depthwiseConv2d, bias add, relu6, as tfjs-layers runs it), best of 25 interleaved
 * runs, and how long each clipq.wasm export took inside the kernel. Build first (`pnpm build`).
 *
 *   node scripts/time_kernel.mjs <conv|dw> <batch> <size> <inChannels> <outChannels> <kernel> <stride>
 *   RQ=1 …   fused requantization to int8 codes, as the int8 runtime runs its layers
 */
import '@tensorflow/tfjs-backend-wasm';
import { ClipqConv2DInt8, ClipqDepthwiseConv2DInt8 } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import '../dist/index.js';
import { heapFor } from '../dist/heap/heap.js';

await tf.setBackend('wasm');
await tf.ready();
const heap = heapFor(tf.backend());
const exports = heap.exports;
const spent = {};
const timed = {};
for (const [name, f] of Object.entries(exports)) {
  if (typeof f !== 'function') continue;
  spent[name] = 0;
  timed[name] = (...args) => {
    const start = performance.now();
    const result = f(...args);
    spent[name] += performance.now() - start;
    return result;
  };
}
Object.defineProperty(heap, 'exports', { value: timed });

const [kind, B, H, C, N, k, s] = process.argv.slice(2).map((v, i) => (i ? Number(v) : v));
const codes = (n, lo, hi) =>
  Int32Array.from({ length: n }, () => lo + Math.floor(Math.random() * (hi - lo + 1)));
const xShape = [B, H, H, C];
const depthwise = kind === 'dw';
const filterShape = depthwise ? [k, k, C, 1] : [k, k, C, N];
const n = depthwise ? C : N;
const size = (shape) => shape.reduce((a, b) => a * b, 1);
const x = tf.tensor(codes(size(xShape), -128, 127), xShape, 'int32');
const filter = tf.tensor(codes(size(filterShape), -127, 127), filterShape, 'int32');
const xFloat = tf.randomUniform(xShape);
const filterFloat = tf.randomUniform(filterShape);
const wScale = tf.tensor1d(Float32Array.from({ length: n }, () => 0.01));
const wZeroPoint = tf.tensor1d(new Int32Array(n), 'int32');
const bias = tf.randomUniform([n]);
const attrs = {
  xScale: 0.02,
  xZeroPoint: -3,
  strides: [s, s],
  pad: 'same',
  dilations: [1, 1],
  activation: 'relu6',
  hasBias: true,
  requantize: process.env.RQ
    ? { nudgedMin: 0, nudgedMax: 6, scale: 6 / 255, codeMin: -128, zeroCode: -128 }
    : null,
};
const kernel = depthwise ? ClipqDepthwiseConv2DInt8 : ClipqConv2DInt8;
const ours = () =>
  tf.engine().runKernel(kernel, { x, filter, wScale, wZeroPoint, bias }, attrs).dispose();
const float = depthwise
  ? () =>
      tf
        .tidy(() => tf.relu6(tf.add(tf.depthwiseConv2d(xFloat, filterFloat, s, 'same'), bias)))
        .dispose()
  : () =>
      tf.fused
        .conv2d({
          x: xFloat,
          filter: filterFloat,
          strides: s,
          pad: 'same',
          bias,
          activation: 'relu6',
        })
        .dispose();
for (let i = 0; i < 3; i++) {
  ours();
  float();
}
let bestOurs = Infinity;
let bestFloat = Infinity;
const bestInside = {};
for (let i = 0; i < 25; i++) {
  for (const name in spent) spent[name] = 0;
  let start = performance.now();
  ours();
  bestOurs = Math.min(bestOurs, performance.now() - start);
  for (const name in spent)
    if (spent[name]) bestInside[name] = Math.min(bestInside[name] ?? Infinity, spent[name]);
  start = performance.now();
  float();
  bestFloat = Math.min(bestFloat, performance.now() - start);
}
const inside = Object.entries(bestInside)
  .filter(([, ms]) => ms >= 0.005)
  .map(([name, ms]) => `${name} ${ms.toFixed(3)}`)
  .join(', ');
console.log(
  `${kind} [${xShape}] ${k}x${k} s${s} → ${n}${process.env.RQ ? ' (requantized)' : ''}: int8 ${bestOurs.toFixed(3)} ms, float ${bestFloat.toFixed(3)} ms, ratio ${(bestFloat / bestOurs).toFixed(2)}; inside: ${inside}`,
);
