import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '/work/main/packages/backend-wasm/dist/index.js';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import { Int8Runtime } from '../../core/dist/runtime/int8_runtime.js';
import { demoCnn } from '../../../bench/e2e.mjs';
await tf.setBackend('wasm');
const float = demoCnn();
const calibration = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3);
const qat = prepareQat(float);
await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
const converted = convertToInt8(qat);
const runtime = new Int8Runtime(converted.model, converted.layers);
const x = tf.randomUniform([Number(process.env.B ?? 16), 28, 28, 1]);
for (let i = 0; i < 3; i++) { const y = runtime.predict(x); (Array.isArray(y) ? y : [y]).forEach((t) => { t.dataSync(); t.dispose(); }); }
const t0 = performance.now();
for (let i = 0; i < 200; i++) { const y = runtime.predict(x); (Array.isArray(y) ? y : [y]).forEach((t) => { t.dataSync(); t.dispose(); }); }
console.log('ms/predict', ((performance.now() - t0) / 200).toFixed(2));
console.log(runtime.summary?.() ?? '');
