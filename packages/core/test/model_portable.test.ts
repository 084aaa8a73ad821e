/**
 * The portable export loads in stock tfjs. This file imports NO clipq package: a child process (which
 * does import the built @clipq/core) writes the folder and its own predictions, and this test loads the
 * folder with plain `tf.loadLayersModel` and compares argmaxes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, expect, it } from 'vitest';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtLayers = join(packageRoot, 'dist/layers/index.js');
let folder = '';

const writer = (entry: string, out: string) => `
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileSync } from 'node:fs';
const { quantizeModel, convertToInt8, saveQuantized } = await import(${JSON.stringify(entry)});
await tf.setBackend('cpu');
const model = tfl.sequential();
model.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
model.add(tfl.layers.batchNormalization());
model.add(tfl.layers.reLU());
model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
model.add(tfl.layers.flatten());
model.add(tfl.layers.dense({ units: 5, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
const x = tf.randomUniform([500, 8, 8, 1], 0, 1, 'float32', 3);
const int8 = convertToInt8(quantizeModel(model, x));
await saveQuantized(int8, ${JSON.stringify(out)}, { portable: true });
const argmax = Array.from(tf.argMax(int8.predict(x), -1).dataSync());
writeFileSync(${JSON.stringify(join(out, 'expected.json'))}, JSON.stringify({ x: Array.from(x.dataSync()), argmax }));
`;

beforeAll(async () => {
  if (!existsSync(builtLayers)) {
    throw new Error(
      `${builtLayers} is missing: build @clipq/core first (pnpm build), this test runs the built package`,
    );
  }
  await tf.setBackend('cpu');
  folder = await mkdtemp(join(tmpdir(), 'clipq-portable-'));
  const child = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', writer(pathToFileURL(builtLayers).href, folder)],
    {
      cwd: packageRoot,
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`the writer process failed:\n${child.stderr}`);
});
afterAll(() => rm(folder, { recursive: true, force: true }));

it('a portable folder loads with stock tf.loadLayersModel (no clipq import) and agrees on ≥ 99% of argmaxes', async () => {
  const modelJson = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
  expect(JSON.stringify(modelJson.modelTopology)).not.toContain('Clipq');
  const shard = await readFile(join(folder, modelJson.weightsManifest[0].paths[0]));
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength),
    }),
  );
  const expected = JSON.parse(await readFile(join(folder, 'expected.json'), 'utf8')) as {
    x: number[];
    argmax: number[];
  };
  const x = tf.tensor4d(expected.x, [expected.argmax.length, 8, 8, 1]);
  const argmax = tf.argMax(model.predict(x) as tf.Tensor, -1).dataSync();
  const agree = expected.argmax.filter((c, i) => c === argmax[i]).length / expected.argmax.length;
  expect(agree).toBeGreaterThanOrEqual(0.99);
  expect(modelJson.userDefinedMetadata.clipq).toMatchObject({ formatVersion: 1, portable: true });
});
