/**
 * `clipq bench`: median latency of the float model against its int8 version, interleaved in one
 * process, per installed backend. A float input is converted in memory (synthetic calibration); a
 * clipq input is compared with its rebuilt float twin.
 */
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { installedBackends, setupBackend } from './backend.js';
import type { CalibrationSet } from './calibration/load_calibration.js';
import { convertGraphModel } from './graph/convert_graph.js';
import { convertLayersModel } from './layers/convert_layers.js';
import { dequantizeLayersArtifacts } from './layers/load_layers.js';
import {
  type AnyModel,
  inputShape,
  loadFloatTwin,
  loadQuantized,
  runModel,
} from './load_quantized.js';
import { DEFAULT_LIMITS } from './model_io/limits.js';
import { readModel } from './model_io/read_model.js';

export interface BenchRow {
  backend: string;
  floatMs: number;
  int8Ms: number;
  /** floatMs / int8Ms: above 1 means int8 is faster. */
  ratio: number;
  clipqKernels: boolean;
}

export interface BenchResult {
  file: string;
  format: string;
  batch: number;
  runs: number;
  rows: BenchRow[];
}

function syntheticSet(shape: (number | null)[], count: number): CalibrationSet {
  const sampleShape = shape.slice(1).map((d) => (d == null || d < 0 ? 1 : d));
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count * per);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    data[i] = seed / 2147483648;
  }
  return { data, count, sampleShape, source: 'synthetic uniform [0, 1)' };
}

/** The int8 version of a float model, converted in memory. */
async function convertInMemory(file: string, float: AnyModel): Promise<AnyModel> {
  const model = await readModel(file, DEFAULT_LIMITS);
  const options = {
    bits: 8,
    perChannel: true,
    weightsOnly: false,
    calibration: null,
    calibrationMethod: 'minmax' as const,
    portable: false,
    backend: 'cpu' as const,
    collectReport: false,
    maxWeightBytes: DEFAULT_LIMITS.maxWeightBytes,
    calibrationSet: syntheticSet(inputShape(float), 16),
  };
  if (model.format === 'graph-model') {
    const { serialized } = await convertGraphModel(model, options);
    return loadGraphModel(
      tf.io.fromMemory({
        modelTopology: serialized.json.modelTopology as object,
        weightSpecs: serialized.weightSpecs as tf.io.WeightsManifestEntry[],
        weightData: serialized.weightData,
        format: 'graph-model',
      }),
    );
  }
  const { serialized } = await convertLayersModel(model, options);
  return tfl.loadLayersModel(
    tf.io.fromMemory(
      dequantizeLayersArtifacts(
        serialized.json,
        serialized.weightSpecs as tf.io.WeightsManifestEntry[],
        serialized.weightData,
      ),
    ),
  );
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function timeOnce(model: AnyModel, x: tf.Tensor): Promise<number> {
  const start = performance.now();
  const y = runModel(model, x);
  await y.data();
  const ms = performance.now() - start;
  y.dispose();
  return ms;
}

export async function benchModel(
  file: string,
  options: { backends: string[] | null; batch: number; runs: number },
): Promise<BenchResult> {
  const backends = options.backends ?? (await installedBackends());
  const rows: BenchRow[] = [];
  let format = '';
  for (const backend of backends) {
    const info = await setupBackend(backend);
    const loaded = await loadQuantized(file);
    format = loaded.format;
    let float: AnyModel;
    let int8: AnyModel;
    if (loaded.isClipq) {
      int8 = loaded.model;
      float = (await loadFloatTwin(file)).model;
    } else {
      float = loaded.model;
      int8 = await convertInMemory(file, float);
    }
    const set = syntheticSet(inputShape(float), options.batch);
    const x = tf.tensor(set.data, [options.batch, ...set.sampleShape]);
    const floatTimes: number[] = [];
    const int8Times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await timeOnce(float, x);
      await timeOnce(int8, x);
    }
    for (let i = 0; i < options.runs; i++) {
      // Alternate the order so drift and noise hit both variants alike.
      if (i % 2 === 0) {
        floatTimes.push(await timeOnce(float, x));
        int8Times.push(await timeOnce(int8, x));
      } else {
        int8Times.push(await timeOnce(int8, x));
        floatTimes.push(await timeOnce(float, x));
      }
    }
    x.dispose();
    (float as GraphModel | tfl.LayersModel).dispose();
    (int8 as GraphModel | tfl.LayersModel).dispose();
    const floatMs = median(floatTimes);
    const int8Ms = median(int8Times);
    rows.push({
      backend,
      floatMs,
      int8Ms,
      ratio: floatMs / int8Ms,
      clipqKernels: info.clipqKernels,
    });
  }
  return { file, format, batch: options.batch, runs: options.runs, rows };
}
