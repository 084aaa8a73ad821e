/**
 * A batch-1 dense layer after a flattened conv output: A is one unpacked row in a texture of another
 * width ([pixels, channels]); the single-pass matmul reads it by flat index instead of taking the
 * three blocked passes. Same values as clipq's cpu kernel, float and requantized outputs.
 */
import { ClipqMatMulInt8, requantizeAttrs } from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { Tensor } from '@tensorflow/tfjs-core';
import { textureData } from '../../src/gl/webgl_backend.js';
import type { PageCase } from './checks.js';
import { tf } from './setup.js';

async function runOn(
  backend: string,
  values: Int32Array,
  shape: number[],
  K: number,
  N: number,
  requantize: boolean,
): Promise<Float32Array | Int32Array> {
  await tf.setBackend(backend);
  const x = tf.tensor(values, shape, 'int32');
  // Upload in its own shape first, so the texture keeps the [pixels, channels] width.
  if (backend === 'webgl') {
    const webgl = tf.backend() as MathBackendWebGL;
    webgl.uploadToGPU(x.dataId);
    const width = textureData(webgl, x.dataId).texShape![1];
    if (width === K) throw new Error(`texture width ${width}: the layout under test was not made`);
  }
  const a = tf.reshape(x, [1, K]);
  const b = tf.tensor(
    Int32Array.from({ length: K * N }, (_, i) => ((i * 37) % 255) - 127),
    [K, N],
    'int32',
  );
  const bScale = tf.tensor1d(Float32Array.from({ length: N }, (_, n) => 0.0005 + n * 0.0001));
  const bZeroPoint = tf.tensor1d(
    Int32Array.from({ length: N }, (_, n) => (n % 3) - 1),
    'int32',
  );
  const bias = tf.tensor1d(Float32Array.from({ length: N }, (_, n) => n * 0.1 - 0.4));
  const attrs = {
    aScale: 0.02,
    aZeroPoint: 3,
    transposeB: false,
    activation: 'linear',
    hasBias: true,
    requantize: requantize ? requantizeAttrs(-3, 2, 8) : null,
  };
  try {
    const out = tf
      .engine()
      .runKernel(ClipqMatMulInt8, { a, b, bScale, bZeroPoint, bias }, attrs as never) as Tensor;
    const result = (await out.data()) as Float32Array | Int32Array;
    out.dispose();
    return result;
  } finally {
    for (const t of [x, a, b, bScale, bZeroPoint, bias]) t.dispose();
  }
}

export function flatAChecks(): PageCase[] {
  return [false, true].map((requantize) => ({
    suite: 'webgl matmul, one row of A in a wider texture',
    name: `[7, 8] codes flattened to [1, 56] × [56, 10], ${requantize ? 'requantized' : 'float'} output: same as cpu`,
    async run() {
      const values = Int32Array.from({ length: 56 }, (_, i) => ((i * 53) % 256) - 128);
      const onWebgl = await runOn('webgl', values, [7, 8], 56, 10, requantize);
      const onCpu = await runOn('cpu', values, [7, 8], 56, 10, requantize);
      const bad = Array.from(onWebgl).findIndex((v, i) => !Object.is(v, onCpu[i]));
      if (bad >= 0) throw new Error(`value ${bad}: webgl ${onWebgl[bad]}, cpu ${onCpu[bad]}`);
      await tf.setBackend('webgl');
    },
  }));
}
