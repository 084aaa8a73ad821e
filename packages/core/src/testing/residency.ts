/**
 * The weight-residency check of issue 7: a model converted to int8, saved, and loaded back with
 * `{ pack: true }` must hold its weights at about one byte per parameter, counted as the growth of
 * `tf.memory().numBytes` plus the growth of every backend's packed-weight cache, and must not leak
 * tensors over 100 predicts.
 */
import { getBackend, io, memory, randomUniform, type Tensor, zeros } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { packedWeightBytes } from '../int8/packed_weight_cache.js';
import { convertToInt8 } from '../model/quantized_model.js';
import { loadQuantized, saveQuantized } from '../model/save_load.js';
import { calibrate } from '../qat/calibrate.js';
import { prepareQat } from '../qat/prepare_qat.js';
import { type ConformanceCase, onBackend } from './backend.js';

export interface ResidencyResult {
  parameters: number;
  residentBytes: number;
  bytesPerParameter: number;
  packedLayers: number;
  /** Layers with int8 weights. */
  int8Layers: number;
}

function residentBytes(): number {
  return memory().numBytes + Object.values(packedWeightBytes()).reduce((a, b) => a + b, 0);
}

/** Converts `build()`'s model, reloads it packed on the active backend, and measures what stays resident. */
export async function measureResidency(
  build: () => tfl.LayersModel,
  inputShape: number[],
  /** Predicts after the first for the leak check (the issue asks for 100). */
  predicts = 100,
): Promise<ResidencyResult> {
  const float = build();
  const parameters = float.countParams();
  const calibration = randomUniform([2, ...inputShape], 0, 1, 'float32', 11);
  const qat = prepareQat(float);
  await calibrate(qat, calibration, { method: 'minmax', batchSize: 2 });
  const converted = convertToInt8(qat);
  let artifacts: io.ModelArtifacts | null = null;
  await saveQuantized(
    converted,
    io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  for (const disposable of [converted, qat, float, calibration]) disposable.dispose();
  const x = zeros([1, ...inputShape]);
  const before = residentBytes();
  const loaded = await loadQuantized(io.fromMemory(artifacts!), { pack: true });
  const predict = () => {
    const y = loaded.predict(x) as Tensor;
    y.dataSync();
    y.dispose();
  };
  predict();
  const resident = residentBytes() - before;
  const tensors = memory().numTensors;
  for (let i = 0; i < predicts; i++) predict();
  const leaked = memory().numTensors - tensors;
  const int8Layers = loaded.layers.size;
  const packedLayers = [...loaded.layers.values()].filter((w) => w.kernel.isPacked).length;
  const packedFor = loaded.packedFor;
  loaded.dispose();
  x.dispose();
  if (leaked !== 0)
    throw new Error(`residency: ${leaked} tensors leaked over ${predicts} predicts`);
  if (packedFor !== getBackend())
    throw new Error(`residency: the model is packed for '${packedFor}', not '${getBackend()}'`);
  return {
    parameters,
    residentBytes: resident,
    bytesPerParameter: resident / parameters,
    packedLayers,
    int8Layers,
  };
}

/** A case that fails unless the packed model stays within `maxBytesPerParameter` on `backendName`. */
export function residencyCase(
  backendName: string,
  name: string,
  build: () => tfl.LayersModel,
  inputShape: number[],
  maxBytesPerParameter: number,
  predicts = 100,
): ConformanceCase {
  return {
    name: `weight residency ≤ ${maxBytesPerParameter} B/param after loadQuantized({ pack: true }): ${name}`,
    run: () =>
      onBackend(backendName, async () => {
        const r = await measureResidency(build, inputShape, predicts);
        if (r.packedLayers !== r.int8Layers || r.packedLayers === 0)
          throw new Error(`residency: ${r.packedLayers} of ${r.int8Layers} int8 layers packed`);
        if (r.bytesPerParameter > maxBytesPerParameter)
          throw new Error(
            `residency: ${r.residentBytes} bytes for ${r.parameters} parameters = ${r.bytesPerParameter.toFixed(3)} B/param (budget ${maxBytesPerParameter})`,
          );
      }),
  };
}
