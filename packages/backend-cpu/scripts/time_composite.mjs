/**
 * Times core's composite fake-quant reference kernels (the bench baseline) on 1M elements, per tensor and
 * per channel, forward and forward+backward: node packages/backend-cpu/scripts/time_composite.mjs
 */
import '@tensorflow/tfjs-backend-cpu';
import { clipqFakeQuantGradReferenceConfig, clipqFakeQuantReferenceConfig } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';

await tf.setBackend('cpu');
const shape = [1024, 1024];
const x = tf.randomUniform(shape, -2.4, 3.6, 'float32', 1);
const dy = tf.randomUniform(shape, -0.5, 0.5, 'float32', 2);
const run = (config, inputs, attrs) => {
  const out = config.kernelFunc({ inputs, attrs, backend: tf.backend() });
  for (const t of Array.isArray(out) ? out : [out]) tf.engine().disposeTensor(t);
};
for (const perChannel of [false, true]) {
  const min = perChannel ? tf.randomUniform([1024], -2, -1, 'float32', 3) : tf.tensor1d([-1.5]);
  const max = perChannel ? tf.randomUniform([1024], 1, 2, 'float32', 4) : tf.tensor1d([2]);
  const attrs = {
    bits: 8,
    narrowRange: false,
    perChannel,
    axis: 1,
    rounding: 'half-up',
    rangeGradient: 'full',
    gradScale: 1,
  };
  for (const [name, config, inputs] of [
    ['forward', clipqFakeQuantReferenceConfig, { x, min, max }],
    ['backward', clipqFakeQuantGradReferenceConfig, { dy, x, min, max }],
  ]) {
    run(config, inputs, attrs);
    const times = [];
    for (let i = 0; i < 4; i++) {
      const c0 = process.cpuUsage();
      run(config, inputs, attrs);
      const c = process.cpuUsage(c0);
      times.push((c.user + c.system) / 1000);
    }
    console.log(
      `${perChannel ? 'per-channel' : 'per-tensor '} ${name}: cpu min ${Math.min(...times).toFixed(1)} ms  [${times.map((t) => t.toFixed(0)).join(' ')}]`,
    );
  }
}
