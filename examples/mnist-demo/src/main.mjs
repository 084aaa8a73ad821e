#!/usr/bin/env node
/**
 * clipq's main demo: learned-range quantization on MNIST, end to end, in plain Node (no tfjs-node).
 *
 * 1. Train a small CNN (conv-BN-relu ×2, dense) in float.
 * 2. PTQ int8 and W4A4 (calibration only), QAT int8 and W4A4 (fine-tuning with learned ranges), and
 *    QAT int8 with λ = 0 vs λ > 0 (the range penalty λ·Σ(max − min)²).
 * 3. Convert QAT int8 to int8 (learned ranges), check it against the fake-quant model, save it to
 *    demo-output/, reload it, and write demo-results.json at the repo root.
 *
 * Usage: node examples/mnist-demo/src/main.mjs [--backend wasm|cpu] [--quick]
 */
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
// clipq's SIMD fake-quant kernels for tfjs-wasm: QAT steps run about 3x faster than on the reference kernels.
import '@clipq/backend-wasm';
// clipq's int8 kernels for tfjs's cpu backend, for the latency comparison.
import '@clipq/backend-cpu';
import { packedWeightBytes } from '@clipq/core';
import {
  convertToInt8,
  enforceRangeConstraints,
  fileSystemHandler,
  learnedRanges,
  loadQuantized,
  meanRangeWidth,
  meanRangeWidthChange,
  qatOptimizer,
  quantizeModel,
  saveQuantized,
} from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { registerBatchNormGradient } from './batch_norm_grad.mjs';
import { accuracy, agreement, buildCnn, predictClasses } from './cnn.mjs';
import { loadMnist } from './data.mjs';
import { measureLatency, printLatency } from './latency.mjs';
import { Progress } from './progress.mjs';
import { checkAcceptance, printTable } from './report.mjs';
import { registerWasmTrainingKernels } from './wasm_training_kernels.mjs';

const { values: options } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    // Reuse a float model saved by an earlier run (demo-output/float) instead of training one.
    'float-model': { type: 'string' },
    'qat-epochs': { type: 'string' },
    'float-batch': { type: 'string' },
    'float-lr': { type: 'string' },
    'range-lr': { type: 'string' },
    'range-penalty': { type: 'string' },
  },
});
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const outputDir = join(root, 'demo-output');
const quick = options.quick;
const settings = {
  train: quick ? 2000 : 8000,
  test: 2000,
  calibration: 1000,
  batchSize: 64,
  floatBatchSize: Number(options['float-batch'] ?? 64),
  // Float: Adam at 2e-3, then a last epoch at 5e-4.
  floatEpochs: quick ? 1 : 4,
  floatLearningRate: Number(options['float-lr'] ?? 2e-3),
  floatFinalLearningRate: 5e-4,
  qatEpochs: Number(options['qat-epochs'] ?? 1),
  qatLearningRate: 1e-4,
  qatRangeLearningRate: Number(options['range-lr'] ?? 2e-3),
  rangePenalty: Number(options['range-penalty'] ?? 2e-3),
};
const log = (line) => process.stderr.write(`${line}\n`);
const started = performance.now();
const cpuSeconds = () => {
  const usage = process.cpuUsage();
  return Number(((usage.user + usage.system) / 1e6).toFixed(1));
};
const timings = {};
async function timed(name, work) {
  const t0 = performance.now();
  const result = await work();
  timings[name] = Number(((performance.now() - t0) / 1000).toFixed(1));
  return result;
}

tf.env().set('PROD', true);
if (options.backend === 'wasm') registerWasmTrainingKernels();
registerBatchNormGradient();
if (!(await tf.setBackend(options.backend)))
  throw new Error(`backend ${options.backend} failed to initialize`);
log(
  `clipq MNIST demo on tfjs-${tf.getBackend()} (${settings.train} train / ${settings.test} test images)`,
);

const data = await timed('load', () => loadMnist(settings));
const calibration = tf.slice(data.train.x, [0], [settings.calibration]);
const steps = (epochs, batchSize) => epochs * Math.ceil(settings.train / batchSize);

const softmaxCrossEntropy = (labels, logits) => tf.losses.softmaxCrossEntropy(labels, logits);

async function fit(model, { epochs, optimizer, label, qat, batchSize = settings.batchSize }) {
  // The model outputs logits (a softmax before the output fake-quant would waste its grid), and tfjs's
  // 'categoricalCrossentropy' expects probabilities: use softmax cross-entropy on logits.
  model.compile({ optimizer, loss: softmaxCrossEntropy });
  const callbacks = [new Progress(label, steps(epochs, batchSize))];
  if (qat) callbacks.unshift(enforceRangeConstraints());
  await model.fit(data.train.x, data.train.y, {
    epochs,
    batchSize,
    shuffle: false,
    verbose: 0,
    callbacks,
  });
}

async function folderBytes(dir) {
  const files = await readdir(dir);
  let total = 0;
  let weights = 0;
  for (const file of files) {
    const size = (await stat(join(dir, file))).size;
    total += size;
    if (file.endsWith('.bin')) weights += size;
  }
  return { total, weights };
}

function evaluate(model) {
  return accuracy(predictClasses(model, data.test.x), data.test.labels);
}

// 1. Float.
let float;
if (options['float-model']) {
  float = await tfl.loadLayersModel(fileSystemHandler(resolve(options['float-model'])));
} else {
  float = buildCnn();
  await timed('float training', async () => {
    const { floatEpochs: epochs, floatLearningRate, floatFinalLearningRate } = settings;
    await fit(float, {
      epochs: Math.max(1, epochs - 1),
      optimizer: tf.train.adam(floatLearningRate),
      label: 'float',
      batchSize: settings.floatBatchSize,
    });
    if (epochs > 1)
      await fit(float, {
        epochs: 1,
        optimizer: tf.train.adam(floatFinalLearningRate),
        label: 'float (last epoch)',
        batchSize: settings.floatBatchSize,
      });
  });
}
await rm(outputDir, { recursive: true, force: true });
await mkdir(outputDir, { recursive: true });
await float.save(fileSystemHandler(join(outputDir, 'float')));
const results = [];
results.push({
  variant: 'float',
  accuracy: evaluate(float),
  bytes: await folderBytes(join(outputDir, 'float')),
  meanRangeWidth: null,
  meanRangeWidthChange: null,
});

// 2. PTQ and QAT variants.
async function variant(name, folder, config, { train, penalty = 0 }) {
  return timed(name, async () => {
    const model = quantizeModel(float, calibration, {
      ...config,
      rangePenalty: penalty,
      batchSize: 250,
    });
    const before = learnedRanges(model);
    if (train) {
      const optimizer = qatOptimizer({
        learningRate: settings.qatLearningRate,
        rangeLearningRate: settings.qatRangeLearningRate,
      });
      await fit(model, { epochs: settings.qatEpochs, optimizer, label: name, qat: true });
    }
    const after = learnedRanges(model);
    const int8 = convertToInt8(model);
    const dir = join(outputDir, folder);
    await saveQuantized(int8, dir);
    const row = {
      variant: name,
      accuracy: evaluate(model),
      bytes: await folderBytes(dir),
      meanRangeWidth: meanRangeWidth(after),
      meanRangeWidthChange: train ? meanRangeWidthChange(before, after) : null,
      config: { ...config, rangePenalty: penalty },
    };
    results.push(row);
    return { model, int8, dir, row };
  });
}

const int8Config = { weightBits: 8, activationBits: 8, method: 'minmax' };
const w4a4Config = { weightBits: 4, activationBits: 4, method: 'mse' };
await variant('PTQ int8', 'ptq-int8', int8Config, { train: false });
const qat8 = await variant('QAT int8 (λ=0)', 'qat-int8', int8Config, { train: true });
const qat8Penalty = await variant(
  `QAT int8 (λ=${settings.rangePenalty})`,
  'qat-int8-penalty',
  int8Config,
  {
    train: true,
    penalty: settings.rangePenalty,
  },
);
await variant('PTQ W4A4', 'ptq-w4a4', w4a4Config, { train: false });
await variant('QAT W4A4', 'qat-w4a4', w4a4Config, { train: true });

/** Bytes in tfjs tensors plus the backends' packed int8 weight caches. */
function residentBytes() {
  return tf.memory().numBytes + Object.values(packedWeightBytes()).reduce((a, b) => a + b, 0);
}

// 3. Converted int8 model: agreement with the fake-quant model, save → load, portable export.
const check = await timed('int8 checks', async () => {
  const fakeQuantClasses = predictClasses(qat8.model, data.test.x);
  const int8Classes = predictClasses((x) => qat8.int8.predict(x), data.test.x);
  // Reloaded packed: each weight once, in the backend's int8 cache (no int32 codes, no float kernels).
  const before = residentBytes();
  const reloaded = await loadQuantized(qat8.dir, { pack: true });
  const probe = tf.slice(data.test.x, [0], [200]);
  const b = reloaded.predict(probe).dataSync();
  const resident = residentBytes() - before - probe.size * 4 - b.length * 4;
  const a = qat8.int8.predict(probe).dataSync();
  const bitIdentical = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  const portableDir = join(outputDir, 'int8-portable');
  await saveQuantized(qat8.int8, portableDir, { portable: true });
  return {
    argmaxAgreementPercent: agreement(fakeQuantClasses, int8Classes),
    saveLoadBitIdentical: bitIdentical,
    int8Accuracy: accuracy(int8Classes, data.test.labels),
    int8Folder: qat8.dir,
    portableFolder: portableDir,
    portableBytes: await folderBytes(portableDir),
    packedFor: reloaded.packedFor,
    residentBytesPerParameter: Number((resident / float.countParams()).toFixed(3)),
    reloaded,
  };
});

// 4. Inference latency: the int8 runtime against the float model on each installed backend.
const latency = await timed('latency', () =>
  measureLatency({ float, int8: check.reloaded, x: data.test.x, backends: ['wasm', 'cpu'] }),
);

const acceptance = checkAcceptance(results, qat8.row, qat8Penalty.row, check);
const report = {
  node: process.version,
  tfjs: tf.version_core,
  backend: tf.getBackend(),
  date: new Date().toISOString(),
  settings,
  results,
  int8: {
    ...check,
    reloaded: undefined,
    weightBytesRatioToFloat: qat8.row.bytes.weights / results[0].bytes.weights,
  },
  latency,
  acceptance,
  timingsSeconds: { ...timings, total: Number(((performance.now() - started) / 1000).toFixed(1)) },
  // Wall time depends on what else runs on the machine; this process's CPU time (tfjs-wasm uses one
  // thread) is what the demo costs on an idle machine.
  cpuSeconds: cpuSeconds(),
};
const resultsPath = options.out ?? join(root, 'demo-results.json');
await writeFile(resultsPath, `${JSON.stringify(report, null, 2)}\n`);
printTable(report);
log('\nwhat the int8 model runs, layer by layer:');
qat8.int8.summary(log);
printLatency(latency, log);
log(`\nwrote ${resultsPath}; int8 model in ${check.int8Folder}`);
if (!Object.values(acceptance).every(Boolean)) process.exitCode = 1;
