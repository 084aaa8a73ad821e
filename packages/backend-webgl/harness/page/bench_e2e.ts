/**
 * End-to-end rows (issue 7) on webgl: a converted model on the int8 runtime (`QuantizedModel.predict`)
 * against the same float model (`LayersModel.predict`), interleaved in this page, each sample awaiting
 * `data()` of the output. `weight_bytes` is the size of the RGBA8I weight textures the int8 run
 * allocated (the packed-weight cache's growth).
 */
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { webglPackedWeightCache } from '../../src/base.js';
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
  resetSeed();
  const float = m.build();
  const calibration = tf.randomUniform([8, ...m.inputShape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
  const converted = convertToInt8(qat);
  calibration.dispose();
  qat.dispose();
  const rows: Row[] = [];
  const bytesBefore = webglPackedWeightCache.bytes();
  for (const batch of batches) {
    const reason = skip(batch);
    if (reason) {
      console.log(`SKIPPED e2e:${m.name}:b${batch}: ${reason}`);
      continue;
    }
    const x = tf.randomUniform([batch, ...m.inputShape], 0, 1, 'float32', 5);
    const timing = await compare(
      quick,
      { ours: () => converted.predict(x), baseline: () => float.predict(x) as Tensor },
      settleAll,
    );
    rows.push({
      kernel: `e2e:${m.name}:b${batch}`,
      shape: `${batch}x${m.inputShape.join('x')}`,
      ...timing,
      baseline: 'tfjs-webgl float LayersModel.predict',
      exact: false,
      weight_bytes: webglPackedWeightCache.bytes() - bytesBefore,
      notes: `${float.countParams()} parameters; int8 runtime (QuantizedModel.predict) vs float predict, data() awaited`,
    });
    x.dispose();
  }
  const exact = await sameAsCpu(converted, m.inputShape);
  for (const row of rows) row.exact = exact;
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

export async function e2eRows(quick: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  for (const m of MODELS) rows.push(...(await modelRows(m, [1, 16], quick, () => null)));
  return rows;
}
