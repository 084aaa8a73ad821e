import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { QuantizedTensor, matMulInt8, ClipqMatMulInt8 } from '@clipq/core';
import '../dist/index.js';
await tf.setBackend('wasm');
const [M, K, N] = process.argv.slice(2).map(Number);
const a = new QuantizedTensor(tf.tensor2d(new Int32Array(M * K).map((_, i) => (i * 7) % 255 - 128), [M, K], 'int32'), { scale: Float32Array.of(0.02), zeroPoint: Int32Array.of(-3), axis: null, bits: 8, narrowRange: false });
const b = new QuantizedTensor(tf.tensor2d(new Int32Array(K * N).map((_, i) => (i * 13) % 255 - 127), [K, N], 'int32'), { scale: new Float32Array(N).fill(0.01), zeroPoint: new Int32Array(N), axis: 1, bits: 8, narrowRange: true });
const bias = tf.tensor1d(new Float32Array(N));
const bScale = tf.tensor1d(b.scale), bZero = tf.tensor1d(b.zeroPoint, 'int32');
const af = tf.randomUniform([M, K]), bf = tf.randomUniform([K, N]);
const fns = {
  op: () => { const o = matMulInt8(a, b, { bias, activation: 'relu' }); o.dataSync(); o.dispose(); },
  kernel: () => { const o = tf.engine().runKernel(ClipqMatMulInt8, { a: a.codes, b: b.codes, bScale, bZeroPoint: bZero, bias }, { aScale: 0.02, aZeroPoint: -3, transposeB: false, activation: 'relu', hasBias: true }); o.dataSync(); o.dispose(); },
  tfjs: () => { const o = tf.matMul(af, bf); o.dataSync(); o.dispose(); },
};
for (const f of Object.values(fns)) for (let i = 0; i < 500; i++) f();
const t = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
for (let i = 0; i < 3000; i++) for (const [k, f] of Object.entries(fns)) { const t0 = performance.now(); f(); t[k].push(performance.now() - t0); }
const q = (x, p) => [...x].sort((u, v) => u - v)[Math.floor(x.length * p)];
console.log(Object.entries(t).map(([k, v]) => `${k} p10 ${(q(v, 0.1) * 1000).toFixed(1)}us med ${(q(v, 0.5) * 1000).toFixed(1)}us`).join(' | '));
