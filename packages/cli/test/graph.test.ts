/**
 * A graph model written as GraphDef JSON, converted by the real CLI with calibration: the output runs
 * with `loadQuantized` on clipq's int8 custom ops and matches the float model within quantization error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../src/lib/backend.js';
import { parseNpy } from '../src/lib/calibration/npy.js';
import {
  type AnyModel,
  loadFloatTwin,
  loadQuantized,
  runModel,
} from '../src/lib/load_quantized.js';
import { argmaxAgreement, sqnrDb } from '../src/lib/stats.js';
import { type Fixtures, makeFixtures, removeDir, runCli } from './helpers.js';

let fx: Fixtures;
let out: string;
beforeAll(async () => {
  fx = await makeFixtures();
  out = join(fx.root, 'out');
  const run = await runCli([
    'convert',
    join(fx.batch, 'good', 'graph'),
    '--out',
    out,
    '--calibration',
    fx.calibration,
    '--json',
  ]);
  expect(run.code, run.stderr).toBe(0);
  await setupBackend('cpu');
});
afterAll(() => removeDir(fx.root));

function predict(model: AnyModel, x: tf.Tensor): Float32Array {
  const y = runModel(model, x);
  const values = y.dataSync() as Float32Array;
  y.dispose();
  return values;
}

describe('graph model conversion', () => {
  it('rewrites MatMul, _FusedMatMul, _FusedConv2D and DepthwiseConv2dNative to clipq ops with int8 weights', () => {
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const ops = json.modelTopology.node.map((n: { op: string }) => n.op);
    expect(ops.filter((op: string) => op === 'ClipqQuantizedMatMul')).toHaveLength(2);
    expect(ops).toContain('ClipqQuantizedConv2D');
    expect(ops).toContain('ClipqQuantizedDepthwiseConv2D');
    const clipq = json.userDefinedMetadata.clipq;
    expect(clipq.formatVersion).toBe(1);
    expect(clipq.weights.map((w: { name: string }) => w.name).sort()).toEqual([
      'conv/kernel',
      'dw/kernel',
      'fc1/kernel',
      'fc2/kernel',
    ]);
    expect(clipq.activations).toHaveLength(4);
    const kernel = json.weightsManifest[0].weights.find(
      (w: { name: string }) => w.name === 'fc1/kernel',
    );
    expect(kernel.quantization).toEqual({ dtype: 'uint8', min: -128, scale: 1 });
  });

  it('runs with loadQuantized and matches the float graph (argmax ≥ 99%, logits SQNR ≥ 25 dB)', async () => {
    const test = parseNpy(readFileSync(fx.test));
    const x = tf.tensor(test.data as Float32Array, test.shape);
    const quantized = await loadQuantized(join(out, 'model.json'));
    const float = await loadQuantized(fx.graph);
    const reference = predict(float.model, x);
    const actual = predict(quantized.model, x);
    const rows = test.shape[0]!;
    const agreement = argmaxAgreement(reference, actual, rows);
    const sqnr = sqnrDb(reference, actual);
    console.log(
      `graph int8 vs float on ${rows} samples: argmax agreement ${(agreement * 100).toFixed(2)}%, logits SQNR ${sqnr.toFixed(1)} dB`,
    );
    expect(agreement).toBeGreaterThanOrEqual(0.99);
    expect(sqnr).toBeGreaterThanOrEqual(25);
    // The float twin rebuilt from the int8 model differs from the original only by weight rounding.
    const twin = await loadFloatTwin(join(out, 'model.json'));
    expect(sqnrDb(reference, predict(twin.model, x))).toBeGreaterThan(sqnr);
    x.dispose();
  });
});
