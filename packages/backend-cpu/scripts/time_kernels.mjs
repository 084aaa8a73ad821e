/**
 * Times the cpu int8 conv kernels on the demo CNN / MobileNet layer shapes (CPU time per call, which is
 * robust to other processes on the machine): node packages/backend-cpu/scripts/time_kernels.mjs
 */
import '@tensorflow/tfjs-backend-cpu';
import '@clipq/backend-cpu';
import { conv2dInt8, depthwiseConv2dInt8, QuantizedTensor } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
function codes(shape, seed, lo = -128, hi = 127) {
  let s = seed;
  const size = shape.reduce((a, b) => a * b, 1);
  const v = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    v[i] = lo + (s % (hi - lo + 1));
  }
  return tf.tensor(v, shape, 'int32');
}
const q = (t, scale, zp, axis = null) =>
  new QuantizedTensor(t, {
    scale: Float32Array.from(scale),
    zeroPoint: Int32Array.from(zp),
    axis,
    bits: 8,
    narrowRange: axis !== null,
  });
function time(name, fn, minMs = 300) {
  for (let i = 0; i < 5; i++) fn();
  let runs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || runs < 5) {
    fn();
    runs++;
  }
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000 / runs;
  const wall = (performance.now() - t0) / runs;
  console.log(
    `${name.padEnd(44)} cpu ${cpu.toFixed(3).padStart(8)} ms  wall ${wall.toFixed(3).padStart(8)} ms`,
  );
  return cpu;
}
const filter = process.argv[2] ?? '';
const cases = [
  // name, x shape, filter shape, strides, depthwise
  ['demo conv1 b1', [1, 28, 28, 1], [3, 3, 1, 16], 1, false],
  ['demo conv2 b1', [1, 14, 14, 16], [3, 3, 16, 32], 1, false],
  ['demo conv1 b16', [16, 28, 28, 1], [3, 3, 1, 16], 1, false],
  ['demo conv2 b16', [16, 14, 14, 16], [3, 3, 16, 32], 1, false],
  ['mnet conv0 b1', [1, 128, 128, 3], [3, 3, 3, 16], 2, false],
  ['mnet dw1 b1', [1, 64, 64, 16], [3, 3, 16, 1], 1, true],
  ['mnet pw1 b1', [1, 64, 64, 16], [1, 1, 16, 32], 1, false],
  ['mnet dw2 b1 s2', [1, 64, 64, 32], [3, 3, 32, 1], 2, true],
  ['mnet dw6 b1', [1, 8, 8, 256], [3, 3, 256, 1], 1, true],
  ['mnet pw6 b1', [1, 8, 8, 256], [1, 1, 256, 256], 1, false],
].filter((c) => c[0].includes(filter));
for (const [name, xs, fs, stride, depthwise] of cases) {
  const x = q(codes(xs, 1), [0.02], [-5]);
  const channels = depthwise ? fs[2] : fs[3];
  const w = q(
    codes(fs, 2, -127, 127),
    Array.from({ length: channels }, (_, i) => 0.001 + i * 1e-5),
    new Array(channels).fill(0),
    depthwise ? 2 : 3,
  );
  const bias = tf.tensor1d(
    Array.from({ length: depthwise ? fs[2] * fs[3] : channels }, (_, i) => i * 0.01),
  );
  const op = depthwise ? depthwiseConv2dInt8 : conv2dInt8;
  const opts = { strides: stride, pad: 'same', bias, activation: 'relu' };
  time(`${name} float out`, () => op(x, w, opts).dispose());
  time(`${name} requantized`, () =>
    op(x, w, { ...opts, outputRange: { min: 0, max: 4 } }).dispose(),
  );
}
