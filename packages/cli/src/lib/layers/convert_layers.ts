/**
 * Layers-model PTQ: calibrate the output range of every Dense/Conv2D/DepthwiseConv2D layer, encode its
 * kernel as int8 (or stock uint8 with `portable`), and keep every other weight's original bytes.
 * (The output is read back by `loadQuantized`.)
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type CalibrationSet, loadCalibration } from '../calibration/load_calibration.js';
import { ModelError, errorMessage } from '../errors.js';
import { forEachBatch, makeObserver } from '../graph/calibrate_graph.js';
import { concatBytes, splitWeightBytes } from '../graph/weight_bytes.js';
import { assertFiniteWeights, decodeWeights } from '../model_io/decode_weights.js';
import type { LoadedModel } from '../model_io/read_model.js';
import type { SerializedModel } from '../model_io/write_model.js';
import type { ConversionOptions, LayerResult, ModelConversion } from '../options.js';
import { activationSqnrDb, argmaxAgreement, histogram, sqnrDb } from '../stats.js';
import { type EncodedWeight, encodeWeight } from '../weight_encoding.js';
import { dequantizeLayersArtifacts } from './load_layers.js';
import { findLayerTargets, type LayerTarget } from './targets.js';

interface ActivationStats {
  min: number;
  max: number;
  sample: Float32Array;
}

function calibrateLayers(
  model: tfl.LayersModel,
  targets: LayerTarget[],
  set: CalibrationSet,
  options: ConversionOptions,
): Map<string, ActivationStats> {
  const probe = tfl.model({ inputs: model.inputs, outputs: targets.map((t) => t.layer.output as tfl.SymbolicTensor) });
  const observers = targets.map(() => makeObserver(options.calibrationMethod, options.bits));
  const samples = targets.map((): number[] => []);
  forEachBatch(set, (batch) => {
    const out = probe.predict(batch) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(out) ? out : [out];
    list.forEach((t, i) => {
      observers[i]!.update(t);
      const values = t.dataSync();
      const stride = Math.max(1, Math.ceil(values.length / 2000));
      for (let j = 0; j < values.length && samples[i]!.length < 20000; j += stride) samples[i]!.push(values[j]!);
    });
    tf.dispose(list);
  });
  const result = new Map<string, ActivationStats>();
  targets.forEach((t, i) => {
    const r = observers[i]!.result();
    result.set(t.layer.name, { min: r.min[0]!, max: r.max[0]!, sample: Float32Array.from(samples[i]!) });
  });
  return result;
}

function predictAll(model: tfl.LayersModel, set: CalibrationSet): Float32Array {
  const parts: number[] = [];
  forEachBatch(set, (batch) => {
    const out = model.predict(batch) as tf.Tensor;
    parts.push(...(out.dataSync() as Float32Array));
    out.dispose();
  });
  return Float32Array.from(parts);
}

export async function convertLayersModel(model: LoadedModel, options: ConversionOptions): Promise<ModelConversion> {
  const weights = decodeWeights(model);
  let floatModel: tfl.LayersModel | null = null;
  try {
    assertFiniteWeights(model.file, weights);
    floatModel = await tfl.loadLayersModel(tf.io.fromMemory(model.artifacts));
    const { targets, notes } = findLayerTargets(floatModel);
    if (floatModel.layers.some((l) => l.getClassName() === 'BatchNormalization')) {
      notes.push('BatchNormalization layers are kept as float layers (not folded)');
    }
    let set: CalibrationSet | null = options.calibrationSet ?? null;
    if (set == null && options.calibration != null) {
      try {
        set = await loadCalibration(options.calibration, floatModel.inputs[0]!.shape);
      } catch (error) {
        throw new ModelError(model.file, `calibration: ${errorMessage(error)}`);
      }
    }
    if (set == null && !options.weightsOnly) notes.push('no --calibration given: no activation ranges were recorded');
    const ranges = set != null && !options.weightsOnly ? calibrateLayers(floatModel, targets, set, options) : new Map<string, ActivationStats>();
    const specs = model.artifacts.weightSpecs ?? [];
    const original = splitWeightBytes(specs, model.artifacts.weightData as ArrayBuffer);
    const encoded = new Map<string, EncodedWeight>();
    const layers: LayerResult[] = [];
    for (const target of targets) {
      const weight = weights[target.weight];
      if (weight == null) throw new ModelError(model.file, `kernel '${target.weight}' of layer '${target.layer.name}' is not in the manifest`);
      const result = encodeWeight(target.weight, target.kind, weight, false, options);
      result.metadata = { layer: target.layer.name, className: target.layer.getClassName(), ...result.metadata };
      encoded.set(target.weight, result);
      const range = ranges.get(target.layer.name);
      const layer: LayerResult = {
        name: target.layer.name,
        op: target.layer.getClassName(),
        weight: target.weight,
        shape: weight.shape,
        scheme: result.scheme,
        bits: options.bits,
        weightSqnrDb: result.weightSqnrDb,
        activationSqnrDb: range ? activationSqnrDb(range.sample, range.min, range.max, options.bits) : null,
        activationRange: range ? [range.min, range.max] : null,
        bytesBefore: original.get(target.weight)!.length,
        bytesAfter: result.bytes.length,
      };
      if (options.collectReport) {
        layer.weightHistogram = histogram(result.reference, result.rangeMin, result.rangeMax);
        if (range) layer.activationHistogram = histogram(range.sample, range.min, range.max);
      }
      layers.push(layer);
    }
    const { weightsManifest: _manifest, ...rest } = model.json;
    const serialized: SerializedModel = {
      json: {
        ...rest,
        format: 'layers-model',
        convertedBy: 'clipq 0.1.0',
        userDefinedMetadata: {
          ...(model.json.userDefinedMetadata ?? {}),
          clipq: {
            formatVersion: 1,
            modelFormat: 'layers-model',
            portable: options.portable,
            weightsOnly: ranges.size === 0,
            calibration: set ? { method: options.calibrationMethod, samples: set.count } : null,
            weights: Object.fromEntries([...encoded].map(([name, e]) => [name, e.metadata])),
            activations: Object.fromEntries(
              [...ranges].map(([name, r]) => [name, { min: r.min, max: r.max, bits: options.bits, perTensor: true }]),
            ),
          },
        },
      },
      weightSpecs: specs.map((s) => encoded.get(s.name)?.spec ?? s),
      weightData: concatBytes(specs.map((s) => encoded.get(s.name)?.bytes ?? original.get(s.name)!)),
    };
    let outputSqnrDb: number | null = null;
    let agreement: number | null = null;
    if (set != null) {
      const converted = await tfl.loadLayersModel(
        tf.io.fromMemory(dequantizeLayersArtifacts(serialized.json, serialized.weightSpecs as tf.io.WeightsManifestEntry[], serialized.weightData)),
      );
      const reference = predictAll(floatModel, set);
      const actual = predictAll(converted, set);
      converted.dispose();
      outputSqnrDb = sqnrDb(reference, actual);
      agreement = argmaxAgreement(reference, actual, set.count);
    }
    return { format: 'layers-model', layers, notes, outputSqnrDb, argmaxAgreement: agreement, serialized };
  } finally {
    floatModel?.dispose();
    tf.dispose(Object.values(weights));
  }
}
