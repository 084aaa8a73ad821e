import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '/work/main/packages/backend-wasm/dist/index.js';
import { clipqWasmKernelStats } from '/work/main/packages/backend-wasm/dist/index.js';
import { e2eRows } from '../../../bench/e2e.mjs';
await tf.setBackend('wasm');
const rows = await e2eRows({ quick: true, backendLabel: 'wasm' });
for (const r of rows) console.log(r.kernel, r.ours_ms, r.baseline_ms, r.ratio);
console.log(JSON.stringify(clipqWasmKernelStats()));
