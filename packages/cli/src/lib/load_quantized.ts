/**
 * Loading converted models in Node without tfjs-node: `loadQuantized` runs a clipq model (graph models
 * on clipq's int8 custom ops), `loadFloatTwin` rebuilds its float equivalent (for comparisons and
 * benchmarks). Both read through the validating reader.
 */
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { CLIPQ_GRAPH_OPS, type GraphDefJson } from './graph/graph_def.js';
import { registerClipqGraphOps } from './graph/register_ops.js';
// Registers core's QAT layer classes, so their deploy graphs deserialize.
import '@clipq/core/layers';
import { dequantizeLayersArtifacts } from './layers/load_layers.js';
import { clipqMetadata, floatWeightArtifacts } from './model_io/dequantize_clipq.js';
import { DEFAULT_LIMITS } from './model_io/limits.js';
import { type LoadedModel, readModel } from './model_io/read_model.js';

export type AnyModel = GraphModel | tfl.LayersModel;

export interface LoadedRunnable {
  format: 'graph-model' | 'layers-model';
  model: AnyModel;
  isClipq: boolean;
}

function isClipqModel(model: LoadedModel): boolean {
  return (model.json.userDefinedMetadata as { clipq?: unknown } | undefined)?.clipq != null;
}

function clipqArtifacts(model: LoadedModel): tf.io.ModelArtifacts {
  return dequantizeLayersArtifacts(
    model.json,
    model.artifacts.weightSpecs ?? [],
    model.artifacts.weightData as ArrayBuffer,
  );
}

/** Loads a clipq (or plain TF.js) model folder for inference. */
export async function loadQuantized(file: string): Promise<LoadedRunnable> {
  const model = await readModel(file, DEFAULT_LIMITS);
  const isClipq = isClipqModel(model);
  if (model.format === 'graph-model') {
    registerClipqGraphOps();
    return {
      format: model.format,
      model: await loadGraphModel(tf.io.fromMemory(model.artifacts)),
      isClipq,
    };
  }
  return { format: model.format, model: await loadLayers(model), isClipq };
}

/**
 * Layers models: core's own int8 models through core's `loadQuantized` (its deploy graph), CLI
 * weights-only outputs with dequantized kernels, anything else (portable, float) with stock tfjs.
 */
async function loadLayers(model: LoadedModel): Promise<tfl.LayersModel> {
  const meta = clipqMetadata(model.json);
  if (meta != null && !meta.portable && meta.producer === '@clipq/core') {
    const { loadQuantized: loadCoreModel } = await import('@clipq/core/layers');
    // Unpacked: the CLI runs the deploy graph itself, which keeps its float kernels that way.
    return (await loadCoreModel(tf.io.fromMemory(model.artifacts), { pack: false })).model;
  }
  const artifacts = meta != null && !meta.portable ? clipqArtifacts(model) : model.artifacts;
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts));
}

/** The float model a clipq graph model came from: original ops, dequantized weights. */
function floatGraphArtifacts(model: LoadedModel): tf.io.ModelArtifacts {
  const topology = structuredClone(model.json.modelTopology) as unknown as GraphDefJson;
  const clipqOps = new Set<string>(Object.values(CLIPQ_GRAPH_OPS));
  for (const meta of clipqMetadata(model.json)?.weights ?? []) {
    const node = topology.node.find((n) => n.name === meta.layer);
    if (node && clipqOps.has(node.op) && meta.op) {
      node.op = meta.op;
      for (const key of Object.keys(node.attr ?? {}))
        if (key.startsWith('clipq_')) delete node.attr![key];
    }
    const constant = topology.node.find((n) => n.name === meta.name);
    if (constant?.attr) {
      constant.attr.dtype = { type: 'DT_FLOAT' };
      if (constant.attr.value?.tensor) constant.attr.value.tensor.dtype = 'DT_FLOAT';
    }
  }
  const specs = model.artifacts.weightSpecs ?? [];
  return {
    modelTopology: topology as unknown as object,
    format: 'graph-model',
    ...floatWeightArtifacts(model.json, specs, model.artifacts.weightData as ArrayBuffer),
  };
}

/** The float equivalent of a model: itself for a float model, the dequantized original for a clipq one. */
export async function loadFloatTwin(file: string): Promise<LoadedRunnable> {
  const model = await readModel(file, DEFAULT_LIMITS);
  const isClipq = isClipqModel(model);
  if (model.format === 'graph-model') {
    const artifacts = isClipq ? floatGraphArtifacts(model) : model.artifacts;
    return {
      format: model.format,
      model: await loadGraphModel(tf.io.fromMemory(artifacts)),
      isClipq,
    };
  }
  const artifacts = isClipq ? clipqArtifacts(model) : model.artifacts;
  return {
    format: model.format,
    model: await tfl.loadLayersModel(tf.io.fromMemory(artifacts)),
    isClipq,
  };
}

/** Input shape of a loaded model (batch dimension first). */
export function inputShape(model: AnyModel): (number | null)[] {
  const shape =
    'predict' in model && model instanceof tfl.LayersModel
      ? model.inputs[0]!.shape
      : (model as GraphModel).inputs[0]!.shape;
  return shape ?? [];
}

/** Runs a model on one input tensor and returns its first output. */
export function runModel(model: AnyModel, x: tf.Tensor): tf.Tensor {
  if (model instanceof tfl.LayersModel) return model.predict(x) as tf.Tensor;
  const out = (model as GraphModel).execute(x);
  return Array.isArray(out) ? out[0]! : out;
}
