import { mkdtemp, readFile, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  convertToInt8,
  loadQuantized,
  type QatLayer,
  QuantizedModel,
  quantizeModel,
  saveQuantized,
} from '../src/layers/index.js';
import { images, smallCnn } from './qat_helpers.js';
import { useBackend } from './setup.js';

let root = '';
beforeAll(async () => {
  await useBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'clipq-model-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const same = (a: tf.Tensor, b: tf.Tensor) =>
  expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));

function depthwiseModel(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(
    tfl.layers.depthwiseConv2d({
      name: 'dw',
      inputShape: [6, 6, 2],
      kernelSize: 3,
      depthMultiplier: 2,
      padding: 'same',
      depthwiseInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
    }),
  );
  model.add(tfl.layers.activation({ name: 'act', activation: 'relu' }));
  model.add(tfl.layers.globalAveragePooling2d({ name: 'gap' }));
  model.add(
    tfl.layers.dense({
      name: 'out',
      units: 2,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }),
    }),
  );
  return model;
}

/** The int8 runtime (exact integer accumulation) against the fake-quant model (float accumulation). */
function agreeOnArgmax(int8: tf.Tensor, fakeQuant: tf.Tensor): void {
  const a = tf.argMax(int8, -1).dataSync();
  const b = tf.argMax(fakeQuant, -1).dataSync();
  expect(Array.from(a)).toEqual(Array.from(b));
  const spread = tf.max(tf.abs(fakeQuant)).dataSync()[0]!;
  expect(tf.max(tf.abs(tf.sub(int8, fakeQuant))).dataSync()[0]!).toBeLessThanOrEqual(0.05 * spread);
}

describe('convertToInt8', () => {
  it('gives int8 kernels (codes in −127..127, zero point 0) and predicts exactly what the fake-quant model does', () => {
    const x = images(20, 7);
    const qat = quantizeModel(smallCnn(2), x);
    const int8 = convertToInt8(qat);
    const conv2 = int8.layers.get('conv2')!.kernel;
    expect(conv2.axis).toBe(3);
    expect(conv2.scale.length).toBe(6);
    expect(Array.from(conv2.zeroPoint)).toEqual([0, 0, 0, 0, 0, 0]);
    const codes = conv2.codes.dataSync();
    expect(Math.max(...codes)).toBeLessThanOrEqual(127);
    expect(Math.min(...codes)).toBeGreaterThanOrEqual(-127);
    same(int8.predictDequantized(x), qat.predict(x) as tf.Tensor);
    agreeOnArgmax(int8.predict(x), qat.predict(x) as tf.Tensor);
    expect(int8.activationRanges.map((r) => r.layer)).toEqual([
      qat.layers[1]!.name,
      'conv1',
      'conv2',
      'logits',
    ]);
    const learned = (qat.getLayer('conv1') as QatLayer).getOutputRange()!;
    expect(int8.activationRanges[1]!.max).toBe(learned.max[0]);
  });

  it('converts depthwise convolutions and per-tensor weight ranges exactly too', () => {
    const x = tf.randomUniform([8, 6, 6, 2], -1, 1, 'float32', 9);
    for (const perChannel of [true, false]) {
      const qat = quantizeModel(depthwiseModel(), x, {
        perChannel,
        weightBits: 6,
        activationBits: 7,
      });
      const int8 = convertToInt8(qat);
      expect(int8.layers.get('dw')!.kernel.shape).toEqual([3, 3, 4]);
      same(int8.predictDequantized(x), qat.predict(x) as tf.Tensor);
      agreeOnArgmax(int8.predict(x), qat.predict(x) as tf.Tensor);
    }
  });
});

describe('saveQuantized / loadQuantized', () => {
  it('round-trips through a folder with bit-identical outputs, and writes the BRIEF 3.4 metadata', async () => {
    const x = images(16, 8);
    const int8 = convertToInt8(quantizeModel(smallCnn(4), x));
    const dir = join(root, 'cnn');
    await saveQuantized(int8, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const clipq = json.userDefinedMetadata.clipq;
    expect(clipq.formatVersion).toBe(1);
    expect(clipq.weights.map((w: { layer: string }) => w.layer)).toEqual([
      'conv1',
      'conv2',
      'logits',
    ]);
    const kernelSpec = json.weightsManifest[0].weights.find(
      (w: { name: string }) => w.name === 'conv2/kernel',
    );
    expect(kernelSpec.quantization).toEqual({ dtype: 'uint8', min: -128, scale: 1 });
    const loaded = await loadQuantized(dir);
    expect(loaded).toBeInstanceOf(QuantizedModel);
    same(loaded.predict(x), int8.predict(x));
    expect(loaded.activationRanges).toEqual(int8.activationRanges);

    // The same folder over http (tf.io.http, i.e. fetch, as in a browser).
    const server = createServer(async (request, response) => {
      try {
        response.end(
          await readFile(join(root, decodeURIComponent(request.url!.replace(/^\//, '')))),
        );
      } catch {
        response.statusCode = 404;
        response.end();
      }
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as { port: number };
      const overHttp = await loadQuantized(`http://127.0.0.1:${port}/cnn`);
      same(overHttp.predict(x), int8.predict(x));
    } finally {
      server.close();
    }
  });

  it('per-tensor kernels use the exact stock uint8 affine encoding (stock decoding gives the dequantized values)', async () => {
    const x = tf.randomUniform([8, 6, 6, 2], -1, 1, 'float32', 10);
    const int8 = convertToInt8(quantizeModel(depthwiseModel(), x, { perChannel: false }));
    const dir = join(root, 'per-tensor');
    await saveQuantized(int8, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const bytes = await readFile(join(dir, json.weightsManifest[0].paths[0]));
    const specs = json.weightsManifest[0].weights as tf.io.WeightsManifestEntry[];
    const decoded = tf.io.decodeWeights(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      specs,
    );
    const dequantized = int8.model.getLayer('dw').getWeights()[0]!;
    const stock = decoded['dw/depthwise_kernel'] ?? decoded['dw/kernel'];
    const diff = tf.max(tf.abs(tf.sub(stock!, dequantized))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
    const loaded = await loadQuantized(dir);
    same(loaded.predict(x), int8.predict(x));
  });

  it('int8 weight bytes are at most 26% of the float model bytes', async () => {
    const model = tfl.sequential();
    model.add(tfl.layers.dense({ name: 'h', inputShape: [256], units: 128, activation: 'relu' }));
    model.add(tfl.layers.dense({ name: 'o', units: 10 }));
    const x = tf.randomUniform([32, 256], 0, 1, 'float32', 11);
    const int8 = convertToInt8(quantizeModel(model, x));
    const dir = join(root, 'dense');
    await saveQuantized(int8, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const int8Bytes = (await readFile(join(dir, json.weightsManifest[0].paths[0]))).byteLength;
    const floatBytes = model.countParams() * 4;
    expect(int8Bytes / floatBytes).toBeLessThanOrEqual(0.26);
  });

  it('gives clear Errors for a missing shard, a short shard, a shard path outside the folder, and non-clipq folders', async () => {
    const x = images(8, 12);
    const int8 = convertToInt8(quantizeModel(smallCnn(5), x));
    const dir = join(root, 'broken');
    await saveQuantized(int8, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const shard = join(dir, json.weightsManifest[0].paths[0]);
    const size = (await readFile(shard)).byteLength;
    await truncate(shard, size - 3);
    await expect(loadQuantized(dir)).rejects.toThrow(
      /hold \d+ bytes, but the manifest's weights need \d+ \(a short or truncated shard\)/,
    );
    await unlink(shard);
    await expect(loadQuantized(dir)).rejects.toThrow(
      /shard 'group1-shard1of1\.bin' listed in .*model\.json is missing/,
    );
    json.weightsManifest[0].paths = ['../outside.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadQuantized(dir)).rejects.toThrow(
      /shard path '\.\.\/outside\.bin' .* points outside the model folder/,
    );
    await writeFile(join(root, 'outside.bin'), new Uint8Array(size));
    await symlink(join(root, 'outside.bin'), join(dir, 'link.bin'));
    json.weightsManifest[0].paths = ['link.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadQuantized(dir)).rejects.toThrow(
      /shard 'link\.bin' .* is a link to a file outside the model folder/,
    );
    delete json.userDefinedMetadata;
    json.weightsManifest[0].paths = [];
    json.weightsManifest[0].weights = [];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadQuantized(dir)).rejects.toThrow(
      /no userDefinedMetadata\.clipq; it is not a clipq model/,
    );
    await expect(loadQuantized(join(root, 'nope'))).rejects.toThrow(/cannot read .*model\.json/);
    const portableDir = join(root, 'portable-check');
    await saveQuantized(int8, portableDir, { portable: true });
    await expect(loadQuantized(portableDir)).rejects.toThrow(
      /portable \(float\) export; load it with tf\.loadLayersModel/,
    );
  });
});
