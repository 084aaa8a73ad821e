/**
 * Layers-model conversion. With calibration data this is core's PTQ (`quantizeModel`: BN folded into
 * the preceding conv/dense, per-channel weight ranges, calibrated activation ranges; `convertToInt8`;
 * `saveQuantized`, portable or not). Without calibration, or with `weightsOnly`, kernels are encoded
 * locally (weights only) and the topology is kept.
 */
import {
  convertToInt8,
  type QuantizedModel,
  quantizeModel,
  saveQuantized,
} from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type CalibrationSet, loadCalibration } from '../calibration/load_calibration.js';
import { errorMessage, ModelError } from '../errors.js';
import { assertFiniteWeights, decodeWeights } from '../model_io/decode_weights.js';
import { clipqMetadata, dequantizedWeights } from '../model_io/dequantize_clipq.js';
import type { LoadedModel } from '../model_io/read_model.js';
import type { SerializedModel } from '../model_io/write_model.js';
import type { ConversionOptions, LayerResult, ModelConversion, StageReporter } from '../options.js';
import { activationSqnrDb, argmaxAgreement, histogram, sqnrDb } from '../stats.js';
import { observeLayers, predictLayers } from './calibrate_layers.js';
import { unsupportedLayers } from './targets.js';
import { convertWeightsOnly } from './weights_only.js';

async function artifactsOf(
  model: QuantizedModel,
  portable: boolean,
): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await saveQuantized(
    model,
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { portable },
  );
  return saved!;
}

function toSerialized(artifacts: tf.io.ModelArtifacts, source: LoadedModel): SerializedModel {
  const {
    weightSpecs,
    weightData,
    weightsManifest: _m,
    ...rest
  } = artifacts as tf.io.ModelArtifacts & { weightsManifest?: unknown };
  const data =
    weightData instanceof ArrayBuffer
      ? weightData
      : tf.io.concatenateArrayBuffers(weightData as ArrayBuffer[]);
  return {
    json: {
      ...rest,
      format: 'layers-model',
      userDefinedMetadata: {
        ...(source.json.userDefinedMetadata ?? {}),
        ...(artifacts.userDefinedMetadata ?? {}),
      },
    },
    weightSpecs: weightSpecs ?? [],
    weightData: data,
  };
}

/** Per-layer results from the saved metadata: weight SQNR against the (BN-folded) float kernels. */
function layerResults(
  serialized: SerializedModel,
  qat: tfl.LayersModel,
  float: tfl.LayersModel,
  set: CalibrationSet,
  options: ConversionOptions,
): LayerResult[] {
  const meta = clipqMetadata(serialized.json);
  if (meta == null) return [];
  const specs = serialized.weightSpecs as tf.io.WeightsManifestEntry[];
  const values = dequantizedWeights(serialized.json, specs, serialized.weightData);
  const names = meta.weights
    .map((w) => w.layer)
    .filter((n) => float.layers.some((l) => l.name === n));
  const observed = observeLayers(float, names, set, options.calibrationMethod, options.bits);
  try {
    return meta.weights.map((w) => {
      const layer = qat.getLayer(w.layer) as tfl.layers.Layer & {
        getKernelAndBias?: () => { kernel: tf.Tensor };
      };
      const reference = tf.tidy(() =>
        layer.getKernelAndBias
          ? layer.getKernelAndBias().kernel.dataSync()
          : layer.getWeights()[0]!.dataSync(),
      ) as Float32Array;
      const quantized = values[w.name]!.dataSync() as Float32Array;
      const range = meta.activations.find((a) => a.layer === w.layer) ?? null;
      const sample = observed.get(w.layer)?.sample ?? null;
      const spec = specs.find((s) => s.name === w.name)!;
      const maxScale = Math.max(...w.scale);
      const qmax = 2 ** (w.bits - 1) - 1;
      const result: LayerResult = {
        name: w.layer,
        op: float.layers.find((l) => l.name === w.layer)?.getClassName() ?? 'layer',
        weight: w.name,
        shape: spec.shape,
        scheme: `int${w.bits} symmetric ${w.encoding}`,
        bits: w.bits,
        weightSqnrDb: sqnrDb(reference, quantized),
        activationSqnrDb:
          range && sample ? activationSqnrDb(sample, range.min, range.max, range.bits) : null,
        activationRange: range ? [range.min, range.max] : null,
        bytesBefore: reference.length * 4,
        bytesAfter: reference.length * (w.bits <= 8 ? 1 : 2),
      };
      if (options.collectReport) {
        result.weightHistogram = histogram(reference, -maxScale * qmax, maxScale * qmax);
        if (range && sample) result.activationHistogram = histogram(sample, range.min, range.max);
      }
      return result;
    });
  } finally {
    tf.dispose(Object.values(values));
  }
}

export async function convertLayersModel(
  model: LoadedModel,
  options: ConversionOptions,
  stage: StageReporter = () => {},
): Promise<ModelConversion> {
  const weights = decodeWeights(model);
  let float: tfl.LayersModel | null = null;
  let qat: tfl.LayersModel | null = null;
  let int8: QuantizedModel | null = null;
  try {
    assertFiniteWeights(model.file, weights);
    float = await tfl.loadLayersModel(tf.io.fromMemory(model.artifacts));
    let set: CalibrationSet | null = options.calibrationSet ?? null;
    if (set == null && options.calibration != null) {
      try {
        set = await loadCalibration(options.calibration, float.inputs[0]!.shape);
      } catch (error) {
        throw new ModelError(model.file, `calibration: ${errorMessage(error)}`);
      }
    }
    const notes = options.portable
      ? ['portable: kernels are dequantized float32 (stock-loadable)']
      : [];
    let skip: string[] = [];
    if (set == null || options.weightsOnly)
      return await convertWeightsOnly(model, float, weights, set, options);
    const inputs = tf.tensor(set.data, [set.count, ...set.sampleShape]);
    try {
      stage('calibrating', 0.2);
      // Layers with weights that core's QAT transform does not handle stay float (listed in notes).
      skip = unsupportedLayers(float);
      qat = quantizeModel(float, inputs, {
        skip,
        weightBits: options.bits,
        activationBits: options.bits,
        perChannel: options.perChannel,
        method: options.calibrationMethod,
        batchSize: 32,
      });
    } catch (error) {
      throw new ModelError(model.file, `quantization: ${errorMessage(error)}`);
    } finally {
      inputs.dispose();
    }
    stage('converting', 0.6);
    int8 = convertToInt8(qat);
    const serialized = toSerialized(await artifactsOf(int8, options.portable), model);
    notes.push(
      ...skip.map((name) => `layer '${name}' stays float: core's QAT transform does not handle it`),
    );
    stage('verifying', 0.8);
    const reference = predictLayers(float, set);
    const actual = predictLayers(int8, set);
    const layers = layerResults(serialized, qat, float, set, options);
    return {
      format: 'layers-model',
      layers,
      notes,
      outputSqnrDb: sqnrDb(reference, actual),
      argmaxAgreement: argmaxAgreement(reference, actual, set.count),
      serialized,
    };
  } finally {
    int8?.dispose();
    qat?.dispose();
    float?.dispose();
    tf.dispose(Object.values(weights));
  }
}
