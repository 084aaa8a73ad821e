/**
 * Weights-only conversion of a layers model (no calibration data, or `--weights-only`): every
 * Dense/Conv2D/DepthwiseConv2D kernel is encoded as int8 (or stock uint8 when portable), the topology
 * and every other weight's bytes are kept. `loadQuantized` dequantizes the kernels at load.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { CalibrationSet } from '../calibration/load_calibration.js';
import { ModelError } from '../errors.js';
import { concatBytes, splitWeightBytes } from '../graph/weight_bytes.js';
import type { LoadedModel } from '../model_io/read_model.js';
import type { SerializedModel } from '../model_io/write_model.js';
import type { ConversionOptions, LayerResult, ModelConversion } from '../options.js';
import { argmaxAgreement, histogram, sqnrDb } from '../stats.js';
import { type EncodedWeight, encodeWeight } from '../weight_encoding.js';
import { predictLayers } from './calibrate_layers.js';
import { dequantizeLayersArtifacts } from './load_layers.js';
import { findLayerTargets } from './targets.js';

export async function convertWeightsOnly(
  model: LoadedModel,
  float: tfl.LayersModel,
  weights: tf.NamedTensorMap,
  set: CalibrationSet | null,
  options: ConversionOptions,
): Promise<ModelConversion> {
  const { targets, notes } = findLayerTargets(float);
  if (!options.weightsOnly)
    notes.push('no --calibration given: weights only (activations stay float)');
  if (float.layers.some((l) => l.getClassName() === 'BatchNormalization')) {
    notes.push(
      'weights only: BatchNormalization layers stay float layers (folding needs calibration)',
    );
  }
  const specs = model.artifacts.weightSpecs ?? [];
  const original = splitWeightBytes(specs, model.artifacts.weightData as ArrayBuffer);
  const encoded = new Map<string, EncodedWeight>();
  const layers: LayerResult[] = [];
  for (const target of targets) {
    const weight = weights[target.weight];
    if (weight == null) {
      throw new ModelError(
        model.file,
        `kernel '${target.weight}' of layer '${target.layer.name}' is not in the manifest`,
      );
    }
    const result = encodeWeight(
      target.weight,
      target.layer.name,
      target.kind,
      weight,
      false,
      options,
    );
    encoded.set(target.weight, result);
    const layer: LayerResult = {
      name: target.layer.name,
      op: target.layer.getClassName(),
      weight: target.weight,
      shape: weight.shape,
      scheme: result.scheme,
      bits: options.bits,
      weightSqnrDb: result.weightSqnrDb,
      activationSqnrDb: null,
      activationRange: null,
      bytesBefore: original.get(target.weight)!.length,
      bytesAfter: result.bytes.length,
    };
    if (options.collectReport)
      layer.weightHistogram = histogram(result.reference, result.rangeMin, result.rangeMax);
    layers.push(layer);
  }
  const { weightsManifest: _manifest, ...rest } = model.json;
  const metadata = [...encoded.values()].flatMap((e) => (e.metadata ? [e.metadata] : []));
  const serialized: SerializedModel = {
    json: {
      ...rest,
      format: 'layers-model',
      convertedBy: 'clipq 0.1.0',
      userDefinedMetadata: {
        ...(model.json.userDefinedMetadata ?? {}),
        ...(options.portable
          ? {}
          : {
              clipq: {
                formatVersion: 1,
                producer: '@clipq/cli',
                modelFormat: 'layers-model',
                portable: false,
                weightsOnly: true,
                weights: metadata,
                activations: [],
              },
            }),
      },
    },
    weightSpecs: specs.map((s) => encoded.get(s.name)?.spec ?? s),
    weightData: concatBytes(specs.map((s) => encoded.get(s.name)?.bytes ?? original.get(s.name)!)),
  };
  let outputSqnrDb: number | null = null;
  let agreement: number | null = null;
  if (set != null) {
    const converted = await tfl.loadLayersModel(
      tf.io.fromMemory(
        dequantizeLayersArtifacts(
          serialized.json,
          serialized.weightSpecs as tf.io.WeightsManifestEntry[],
          serialized.weightData,
        ),
      ),
    );
    const reference = predictLayers(float, set);
    const actual = predictLayers(converted, set);
    converted.dispose();
    outputSqnrDb = sqnrDb(reference, actual);
    agreement = argmaxAgreement(reference, actual, set.count);
  }
  return {
    format: 'layers-model',
    layers,
    notes,
    outputSqnrDb,
    argmaxAgreement: agreement,
    serialized,
  };
}
