import '@tensorflow/tfjs-backend-cpu';
import '@clipq/backend-cpu';
import { matMulInt8, QuantizedTensor } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
await tf.setBackend('cpu');
const q = (t, axis, n) => new QuantizedTensor(t, { scale: new Float32Array(n).fill(0.01), zeroPoint: new Int32Array(n), axis, bits: 8, narrowRange: axis !== null });
const [M, K, N] = process.argv.slice(2).map(Number);
const a = q(tf.randomUniform([M, K], -128, 128, 'int32'), null, 1);
const b = q(tf.randomUniform([K, N], -127, 128, 'int32'), 1, N);
let best = Infinity;
for (let r = 0; r < 40; r++) { const c0 = process.cpuUsage(); const y = matMulInt8(a, b); y.dataSync(); y.dispose(); const c = process.cpuUsage(c0); best = Math.min(best, (c.user + c.system) / 1000); }
console.log(`${M}x${K}x${N}: best ${best.toFixed(2)} ms = ${(M * K * N / best / 1e6).toFixed(2)} G MAC/s`);
