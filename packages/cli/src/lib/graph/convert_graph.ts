/**
 * Graph-model conversion: per-channel int8 weights at MatMul/Conv2D/DepthwiseConv2dNative (and their
 * fused variants), activation ranges from calibration, and the nodes rewritten to clipq custom ops.
 * With `portable`, stock ops stay and the weights use tfjs's own uint8 encoding.
 */
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { type CalibrationSet, loadCalibration } from '../calibration/load_calibration.js';
import { errorMessage, ModelError } from '../errors.js';
import { assertFiniteWeights, decodeWeights } from '../model_io/decode_weights.js';
import type { LoadedModel } from '../model_io/read_model.js';
import type { SerializedModel } from '../model_io/write_model.js';
import type { ConversionOptions, LayerResult, ModelConversion, StageReporter } from '../options.js';
import { activationSqnrDb, argmaxAgreement, histogram, sqnrDb } from '../stats.js';
import { type ActivationSample, calibrateGraph, predictGraph } from './calibrate_graph.js';
import type { GraphDefJson } from './graph_def.js';
import { planGraph } from './plan.js';
import './register_ops.js';
import type { EncodedWeight } from '../weight_encoding.js';
import { rewriteTarget } from './rewrite.js';
import { concatBytes, splitWeightBytes } from './weight_bytes.js';

async function loadFromMemory(artifacts: tf.io.ModelArtifacts): Promise<GraphModel> {
  return loadGraphModel(tf.io.fromMemory(artifacts));
}

async function compareOutputs(
  floatModel: GraphModel,
  serialized: SerializedModel,
  set: CalibrationSet,
): Promise<{ sqnr: number; agreement: number }> {
  const converted = await loadFromMemory({
    modelTopology: serialized.json.modelTopology as object,
    weightSpecs: serialized.weightSpecs as tf.io.WeightsManifestEntry[],
    weightData: serialized.weightData,
    format: 'graph-model',
  });
  try {
    const reference = predictGraph(floatModel, set);
    const actual = predictGraph(converted, set);
    return {
      sqnr: sqnrDb(reference, actual),
      agreement: argmaxAgreement(reference, actual, set.count),
    };
  } finally {
    converted.dispose();
  }
}

export async function convertGraphModel(
  model: LoadedModel,
  options: ConversionOptions,
  stage: StageReporter = () => {},
): Promise<ModelConversion> {
  const weights = decodeWeights(model);
  let floatModel: GraphModel | null = null;
  try {
    assertFiniteWeights(model.file, weights);
    floatModel = await loadFromMemory(model.artifacts);
    const topology = structuredClone(model.json.modelTopology) as unknown as GraphDefJson;
    const plan = planGraph(topology.node);
    const notes = plan.skipped.map((s) => `node '${s.node}' stays float: ${s.reason}`);
    let set: CalibrationSet | null = options.calibrationSet ?? null;
    if (set == null && options.calibration != null) {
      try {
        set = await loadCalibration(options.calibration, floatModel.inputs[0]!.shape ?? []);
      } catch (error) {
        throw new ModelError(model.file, `calibration: ${errorMessage(error)}`);
      }
    }
    const quantizeActivations = set != null && !options.weightsOnly && !options.portable;
    if (set == null && !options.weightsOnly) {
      notes.push(
        'no --calibration given: weights are int8, activations stay float (as with --weights-only)',
      );
    }
    stage('calibrating', 0.2);
    const ranges: Map<string, ActivationSample> =
      set != null && !options.weightsOnly
        ? calibrateGraph(
            floatModel,
            set,
            plan.targets.map((t) => t.activationInput),
            options.calibrationMethod,
            options.bits,
          )
        : new Map();
    const original = splitWeightBytes(
      model.artifacts.weightSpecs ?? [],
      model.artifacts.weightData as ArrayBuffer,
    );
    const rewritten = new Map<string, EncodedWeight>();
    const layers: LayerResult[] = [];
    stage('quantizing', 0.6);
    for (const target of plan.targets) {
      const originalOp = target.node.op;
      const range = ranges.get(target.activationInput) ?? null;
      const result = rewriteTarget(topology.node, target, weights[target.weight]!, {
        ...options,
        activationRange: quantizeActivations && range ? range : null,
      });
      rewritten.set(target.weight, result);
      const before = original.get(target.weight)!.length;
      const layer: LayerResult = {
        name: target.node.name,
        op: originalOp,
        weight: target.weight,
        shape: weights[target.weight]!.shape,
        scheme: result.scheme,
        bits: options.bits,
        weightSqnrDb: result.weightSqnrDb,
        activationSqnrDb: range
          ? activationSqnrDb(range.sample, range.min, range.max, options.bits)
          : null,
        activationRange: range ? [range.min, range.max] : null,
        bytesBefore: before,
        bytesAfter: result.bytes.length,
      };
      if (options.collectReport) {
        layer.weightHistogram = histogram(result.reference, result.rangeMin, result.rangeMax);
        if (range) layer.activationHistogram = histogram(range.sample, range.min, range.max);
      }
      layers.push(layer);
    }
    const specs = (model.artifacts.weightSpecs ?? []).map((s) => rewritten.get(s.name)?.spec ?? s);
    const data = concatBytes(
      (model.artifacts.weightSpecs ?? []).map(
        (s) => rewritten.get(s.name)?.bytes ?? original.get(s.name)!,
      ),
    );
    const { weightsManifest: _manifest, ...rest } = model.json;
    const serialized: SerializedModel = {
      json: {
        ...rest,
        format: 'graph-model',
        convertedBy: 'clipq 0.1.0',
        modelTopology: topology,
        userDefinedMetadata: {
          ...(model.json.userDefinedMetadata ?? {}),
          clipq: {
            formatVersion: 1,
            producer: '@clipq/cli',
            modelFormat: 'graph-model',
            portable: options.portable,
            weightsOnly: !quantizeActivations,
            calibration: set ? { method: options.calibrationMethod, samples: set.count } : null,
            weights: [...rewritten.values()].flatMap((r) => (r.metadata ? [r.metadata] : [])),
            activations: plan.targets
              .filter((t) => ranges.has(t.activationInput))
              .map((t) => {
                const r = ranges.get(t.activationInput)!;
                return {
                  layer: t.node.name,
                  input: t.activationInput,
                  min: r.min,
                  max: r.max,
                  bits: options.bits,
                };
              }),
          },
        },
      },
      weightSpecs: specs,
      weightData: data,
    };
    let outputSqnrDb: number | null = null;
    let agreement: number | null = null;
    if (set != null) {
      stage('verifying', 0.8);
      const compared = await compareOutputs(floatModel, serialized, set);
      outputSqnrDb = compared.sqnr;
      agreement = compared.agreement;
    }
    return {
      format: 'graph-model',
      layers,
      notes,
      outputSqnrDb,
      argmaxAgreement: agreement,
      serialized,
    };
  } finally {
    floatModel?.dispose();
    tf.dispose(Object.values(weights));
  }
}
