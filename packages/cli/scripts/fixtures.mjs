/**
 * Test and benchmark fixtures, generated (nothing binary is checked in):
 * - layers models built with tfjs-layers and saved through tf.io.withSaveHandler (float32, and one with
 *   stock uint8/float16-compressed weights);
 * - a graph model written directly as GraphDef JSON (fused conv, depthwise conv, fused matmul, matmul);
 * - broken models (truncated shard, path traversal, invalid JSON, shape/bytes mismatch, 2 GB manifest,
 *   NaN weights) and calibration data (.npy float32/uint8, .json, PNG/JPEG images).
 * All models take inputs [N, 8, 8, 2].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { concatBytes, random, randomArray } from './fixture_util.mjs';
import { graphArtifacts } from './graph_fixture.mjs';

export { graphArtifacts, random, randomArray };

export const INPUT_SHAPE = [8, 8, 2];

function write(file, data) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data);
}

/** Writes model.json + one shard for in-memory artifacts. */
export function writeArtifacts(dir, artifacts, shardName = 'group1-shard1of1.bin') {
  const { weightData, weightSpecs, ...rest } = artifacts;
  const json = { ...rest, weightsManifest: [{ paths: [shardName], weights: weightSpecs }] };
  write(join(dir, 'model.json'), JSON.stringify(json));
  write(join(dir, shardName), new Uint8Array(weightData));
  return join(dir, 'model.json');
}

async function artifactsOf(model) {
  let saved;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return {
    format: 'layers-model',
    generatedBy: 'clipq fixtures',
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightSpecs: saved.weightSpecs,
    weightData: saved.weightData,
  };
}

function seeded(seed) {
  return tfl.initializers.heNormal({ seed });
}

/** Flatten → Dense 32 relu → Dense 10. `width` scales the hidden layer (benchmarks use big ones). */
export async function mlpArtifacts(seed = 1, width = 32) {
  const model = tfl.sequential();
  model.add(tfl.layers.flatten({ inputShape: INPUT_SHAPE }));
  model.add(
    tfl.layers.dense({ units: width, activation: 'relu', kernelInitializer: seeded(seed) }),
  );
  model.add(tfl.layers.dense({ units: 10, kernelInitializer: seeded(seed + 1) }));
  const artifacts = await artifactsOf(model);
  model.dispose();
  return artifacts;
}

/** Conv2D → BatchNorm → DepthwiseConv2D → Flatten → Dense 10. */
export async function cnnArtifacts(seed = 3) {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      inputShape: INPUT_SHAPE,
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: seeded(seed),
    }),
  );
  model.add(tfl.layers.batchNormalization({}));
  model.add(
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      padding: 'same',
      depthwiseInitializer: seeded(seed + 1),
    }),
  );
  model.add(tfl.layers.flatten({}));
  model.add(tfl.layers.dense({ units: 10, kernelInitializer: seeded(seed + 2) }));
  const artifacts = await artifactsOf(model);
  model.dispose();
  return artifacts;
}

function float16Bits(value) {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | Math.round(mantissa / 8192);
}

/**
 * Re-encodes float32 weights the way tfjs-converter's `--quantize_uint8` does (kernels as uint8 affine
 * per tensor), with biases as float16, so both stock decoders are exercised.
 */
export function compressWeights(artifacts) {
  const decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const specs = [];
  const parts = [];
  for (const spec of artifacts.weightSpecs) {
    const values = decoded[spec.name].dataSync();
    if (spec.dtype !== 'float32') {
      specs.push(spec);
      parts.push(new Uint8Array(values.buffer.slice(0)));
    } else if (spec.shape.length >= 2) {
      const lo = Math.min(0, ...values);
      let hi = Math.max(0, ...values);
      if (hi === lo) hi = lo + 1;
      const scale = (hi - lo) / 255;
      specs.push({ ...spec, quantization: { dtype: 'uint8', min: lo, scale } });
      parts.push(Uint8Array.from(values, (v) => Math.round((v - lo) / scale)));
    } else {
      specs.push({ ...spec, quantization: { dtype: 'float16' } });
      parts.push(new Uint8Array(Uint16Array.from(values, float16Bits).buffer));
    }
  }
  tf.dispose(Object.values(decoded));
  const data = new Uint8Array(concatBytes(parts));
  return { ...artifacts, weightSpecs: specs, weightData: data.buffer };
}

/** NumPy .npy v1.0 writer (float32 or uint8). */
export function npy(data, shape) {
  const descr = data instanceof Float32Array ? '<f4' : '|u1';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function calibrationData(count, seed) {
  const rand = random(seed);
  return Float32Array.from({ length: count * 128 }, () => rand());
}

/** Writes every fixture under `root` and returns their paths. */
export async function makeFixtures(root) {
  await tf.setBackend('cpu');
  const mlp = await mlpArtifacts(1);
  const paths = {
    root,
    batch: join(root, 'batch'),
    mlp: writeArtifacts(join(root, 'batch', 'good', 'mlp'), mlp),
    cnnUint8: writeArtifacts(
      join(root, 'batch', 'good', 'cnn-uint8'),
      compressWeights(await cnnArtifacts(3)),
    ),
    graph: writeArtifacts(join(root, 'batch', 'good', 'graph'), graphArtifacts(11)),
    calibration: join(root, 'calib.npy'),
    calibrationUint8: join(root, 'calib-u8.npy'),
    calibrationJson: join(root, 'calib.json'),
    images: join(root, 'images'),
    test: join(root, 'test.npy'),
    huge: join(root, 'huge', 'model.json'),
    nan: join(root, 'nan', 'model.json'),
  };
  // Broken models, next to the good ones.
  const bad = join(root, 'batch', 'bad');
  const truncated = writeArtifacts(join(bad, 'truncated-shard'), mlp);
  const shard = new Uint8Array(mlp.weightData);
  write(
    join(bad, 'truncated-shard', 'group1-shard1of1.bin'),
    shard.subarray(0, shard.length - 100),
  );
  writeArtifacts(join(bad, 'path-traversal'), mlp, '../../../outside.bin');
  write(
    join(bad, 'path-traversal', 'model.json'),
    JSON.stringify({
      format: 'layers-model',
      modelTopology: mlp.modelTopology,
      weightsManifest: [{ paths: ['../../../outside.bin'], weights: mlp.weightSpecs }],
    }),
  );
  write(join(bad, 'invalid-json', 'model.json'), '{"format": "layers-model", "modelTopology": {');
  const mismatch = mlp.weightSpecs.map((s, i) =>
    i === 0 ? { ...s, shape: [s.shape[0], s.shape[1] / 2] } : s,
  );
  writeArtifacts(join(bad, 'shape-mismatch'), { ...mlp, weightSpecs: mismatch });
  paths.bad = { truncated, dir: bad };
  // A manifest that declares 2 GiB (refused before reading) and one with NaN weights.
  write(
    paths.huge,
    JSON.stringify({
      format: 'layers-model',
      modelTopology: mlp.modelTopology,
      weightsManifest: [
        { paths: ['w.bin'], weights: [{ name: 'big', shape: [536870912], dtype: 'float32' }] },
      ],
    }),
  );
  write(join(root, 'huge', 'w.bin'), new Uint8Array(16));
  const nanData = new Float32Array(mlp.weightData.slice(0));
  nanData[5] = Number.NaN;
  nanData[6] = Number.POSITIVE_INFINITY;
  writeArtifacts(join(root, 'nan'), { ...mlp, weightData: nanData.buffer });
  // Calibration and test data.
  const calib = calibrationData(64, 101);
  write(paths.calibration, npy(calib, [64, ...INPUT_SHAPE]));
  write(
    paths.calibrationUint8,
    npy(
      Uint8Array.from(calib, (v) => Math.round(v * 255)),
      [64, ...INPUT_SHAPE],
    ),
  );
  write(
    paths.calibrationJson,
    JSON.stringify(
      Array.from({ length: 8 }, (_, i) => Array.from(calib.subarray(i * 128, (i + 1) * 128))),
    ),
  );
  write(paths.test, npy(calibrationData(256, 202), [256, ...INPUT_SHAPE]));
  const rand = random(7);
  for (let i = 0; i < 3; i++) {
    const png = new PNG({ width: 16, height: 12 });
    for (let p = 0; p < png.data.length; p++)
      png.data[p] = p % 4 === 3 ? 255 : Math.floor(rand() * 256);
    write(join(paths.images, `img${i}.png`), PNG.sync.write(png));
  }
  const raw = {
    width: 10,
    height: 10,
    data: Buffer.from(
      Array.from({ length: 400 }, (_, p) => (p % 4 === 3 ? 255 : Math.floor(rand() * 256))),
    ),
  };
  write(join(paths.images, 'img3.jpg'), jpeg.encode(raw, 90).data);
  return paths;
}
