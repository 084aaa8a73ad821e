/**
 * End-to-end rows (issue 7) on webgl: a converted model on the int8 runtime (`QuantizedModel.predict`)
 * against the same float model (`LayersModel.predict`), interleaved in this page, each sample awaiting
 * `data()` of the output. The converted model is packed on webgl (`QuantizedModel.pack()`: its RGBA8I
 * weight textures are the only copy of the weights), and `weight_bytes` is everything it keeps
 * resident, as bench/e2e.mjs counts it for cpu and wasm: the growth of `tf.memory().numBytes` from
 * before `convertToInt8` to after `pack()` and one predict, plus the growth of the packed-weight caches.
 */
import { packedWeightBytes } from '@clipq/core';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { scratchBytes } from '../../src/base.js';
import { compare, type Row, sameBits } from './bench_common.js';
import { demoCnn, mobileNetV1, resetSeed } from './e2e_models.js';
import { tf } from './setup.js';

interface E2eModel {
  name: string;
  build: () => tfl.LayersModel;
  inputShape: number[];
}

const MODELS: E2eModel[] = [
  { name: 'demo_cnn', build: demoCnn, inputShape: [28, 28, 1] },
  { name: 'mobilenet_v1_0.5_128', build: () => mobileNetV1(0.5, 128), inputShape: [128, 128, 3] },
];

/** Parameters of the kernels the int8 runtime packs (biases stay float32). */
function weightCount(model: tfl.LayersModel): number {
  return model.weights
    .filter((w) => /(^|\/)(depthwise_)?kernel$/.test(w.originalName ?? w.name))
    .reduce((total, w) => total + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
}

/** Bytes in tfjs tensors plus every backend's packed-weight cache. */
function residentBytes(): number {
  const packed = Object.values(packedWeightBytes()).reduce((a, b) => a + b, 0);
  return tf.memory().numBytes + packed;
}

async function settleAll(outputs: Tensor[]): Promise<void> {
  await Promise.all(outputs.map((t) => t.data()));
  for (const t of outputs) t.dispose();
}

/** The rows of one model; `skip(batch)` returns a reason to skip a batch, or null. */
async function modelRows(
  m: E2eModel,
  batches: number[],
  quick: boolean,
  skip: (batch: number) => string | null,
): Promise<Row[]> {
  const started = performance.now();
  // Build and calibrate on 'cpu': on SwiftShader the QAT model's single calibration pass would spend
  // ~15 s compiling one shader per layer and shape. The weights move to webgl on first use.
  await tf.setBackend('cpu');
  resetSeed();
  const float = m.build();
  // --quick calibrates on 2 images instead of 8 (random data either way).
  const images = quick ? 2 : 8;
  const calibration = tf.randomUniform([images, ...m.inputShape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  calibrate(qat, calibration, { method: 'minmax', batchSize: images });
  calibration.dispose();
  const before = residentBytes();
  const scratchBefore = scratchBytes();
  const converted = convertToInt8(qat);
  await tf.setBackend('webgl');
  const packedLayers = converted.pack();
  const probe = tf.zeros([1, ...m.inputShape]);
  converted.predict(probe).dispose();
  probe.dispose();
  const weightBytes = residentBytes() - before;
  qat.dispose();
  const rows: Row[] = [];
  phases.push(
    `${m.name} build+calibrate+convert+pack ${Math.round(performance.now() - started)} ms`,
    `${m.name} shared scratch ${scratchBefore} bytes before the model, ${scratchBytes()} after its first predict`,
  );
  for (const batch of batches) {
    const reason = skip(batch);
    if (reason) {
      skipped.push(`SKIPPED e2e:${m.name}:b${batch}: ${reason}`);
      continue;
    }
    const timed = performance.now();
    const x = tf.randomUniform([batch, ...m.inputShape], 0, 1, 'float32', 5);
    // Warm-up rounds (untimed) let both sides' JS reach the optimizing compiler, as bench/e2e.mjs
    // does for cpu and wasm: cheap models get many, MobileNet (~0.3 s per round) a few.
    const warmup = m.name === 'demo_cnn' ? 10 : 3;
    const timing = await compare(
      quick,
      { ours: () => converted.predict(x), baseline: () => float.predict(x) as Tensor },
      settleAll,
      1,
      warmup,
    );
    rows.push({
      kernel: `e2e:${m.name}:b${batch}`,
      shape: `${batch}x${m.inputShape.join('x')}`,
      ...timing,
      baseline: 'tfjs-webgl float LayersModel.predict',
      exact: false,
      weight_bytes: weightBytes,
      parameters: float.countParams(),
      bytes_per_param: Number((weightBytes / float.countParams()).toFixed(3)),
      packed_for: converted.packedFor,
      notes: `${float.countParams()} parameters (${weightCount(float)} in Dense/Conv2D/DepthwiseConv2D kernels), ${packedLayers} layers packed into RGBA8I textures (the float model keeps 4 bytes each in tfjs's float textures); int8 runtime (QuantizedModel.predict) vs float predict, data() awaited`,
    });
    x.dispose();
    phases.push(`${m.name} b${batch} timing ${Math.round(performance.now() - timed)} ms`);
  }
  const checked = performance.now();
  const exact = await sameAsCpu(converted, m.inputShape);
  for (const row of rows) row.exact = exact;
  phases.push(`${m.name} cpu exactness check ${Math.round(performance.now() - checked)} ms`);
  converted.dispose();
  float.dispose();
  return rows;
}

/**
 * Whether the int8 runtime gives bit-identical outputs on webgl and on the page's 'cpu' backend
 * (clipq's cpu kernels), at batch 1: the int8 path is meant to be exact across backends.
 */
async function sameAsCpu(
  converted: { predict(x: Tensor): Tensor },
  inputShape: number[],
): Promise<boolean> {
  const x = tf.randomUniform([1, ...inputShape], 0, 1, 'float32', 11);
  const onWebgl = converted.predict(x);
  const webglValues = await onWebgl.data();
  onWebgl.dispose();
  await tf.setBackend('cpu');
  try {
    const onCpu = converted.predict(x);
    const cpuValues = await onCpu.data();
    onCpu.dispose();
    return sameBits(webglValues, cpuValues);
  } finally {
    x.dispose();
    await tf.setBackend('webgl');
  }
}

/** Rows skipped (with their reason) and how long each phase took, for the runner to print. */
export const skipped: string[] = [];
export const phases: string[] = [];

export async function e2eRows(quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  // MobileNet at batch 16 takes ~2.2 s per float run and ~1.6 s per int8 run on SwiftShader, after
  // ~10 s compiling both models' shaders for the new shapes: ten interleaved rounds do not fit
  // --quick's minute. The full run measures it.
  const skip = (m: E2eModel) => (batch: number) =>
    quick && batch === 16 && m.name.startsWith('mobilenet')
      ? 'does not fit --quick (≈4 s per interleaved round plus ≈10 s of first-call shader compilation on SwiftShader); run without --quick'
      : null;
  for (const m of MODELS) rows.push(...(await modelRows(m, [1, 16], quick, skip(m))));
  return rows;
}
