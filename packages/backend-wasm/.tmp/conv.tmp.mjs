import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { ClipqConv2DInt8, conv2dInt8ViaMatMul } from '@clipq/core';
import '/work/main/packages/backend-wasm/dist/index.js';
await tf.setBackend('wasm');
const shapes = [[[16, 28, 28, 1], [3, 3, 1, 16]], [[16, 14, 14, 16], [3, 3, 16, 32]], [[1, 64, 64, 3], [3, 3, 3, 16]]];
for (const [xs, fs] of shapes) {
  const x = tf.tensor(Int32Array.from({ length: xs.reduce((a, b) => a * b) }, (_, i) => (i * 7) % 255 - 128), xs, 'int32');
  const f = tf.tensor(Int32Array.from({ length: fs.reduce((a, b) => a * b) }, (_, i) => (i * 13) % 255 - 127), fs, 'int32');
  const wScale = tf.tensor1d(new Float32Array(fs[3]).fill(0.01)), wZeroPoint = tf.tensor1d(new Int32Array(fs[3]), 'int32');
  const attrs = { strides: [1, 1], pad: 'same', dilations: [1, 1], xScale: 0.02, xZeroPoint: -3, activation: 'relu', hasBias: false };
  const ours = () => { const o = tf.engine().runKernel(ClipqConv2DInt8, { x, filter: f, wScale, wZeroPoint }, attrs); o.dataSync(); o.dispose(); };
  const core = () => { const o = conv2dInt8ViaMatMul({ inputs: { x, filter: f, wScale, wZeroPoint }, backend: tf.backend(), attrs }); o.dataSync(); o.dispose(); };
  const xf = tf.randomUniform(xs), ff = tf.randomUniform(fs);
  const flt = () => { const o = tf.conv2d(xf, ff, 1, 'same'); o.dataSync(); o.dispose(); };
  const fns = { ours, core, flt }; const t = { ours: [], core: [], flt: [] };
  for (let i = 0; i < 5; i++) for (const f of Object.values(fns)) f();
  for (let i = 0; i < 40; i++) for (const [k, f] of Object.entries(fns)) { const t0 = performance.now(); f(); t[k].push(performance.now() - t0); }
  const q = (a, p) => [...a].sort((u, v) => u - v)[Math.floor(a.length * p)];
  console.log(xs.join('x'), fs.join('x'), Object.entries(t).map(([k, v]) => `${k} min ${q(v, 0).toFixed(3)} med ${q(v, .5).toFixed(3)}`).join(' | '));
}
