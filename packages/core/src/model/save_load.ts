/**
 * saveQuantized / loadQuantized: the clipq model format (BRIEF 3.4) through any tfjs IOHandler, a local
 * folder in Node, or an http(s) URL (fetch) in browsers and Node. `portable: true` writes plain tfjs
 * layers with dequantized float32 weights, which stock `tf.loadLayersModel` loads without clipq.
 */
import { io, type Tensor, tidy } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatConv2D, type QatDepthwiseConv2D } from '../layers/qat_conv2d.js';
import { QatDense } from '../layers/qat_dense.js';
import { QatLayer } from '../layers/qat_layer.js';
import { cloneLayer, rebuildModel } from '../qat/graph.js';
import {
  type ClipqMetadata,
  decodeWeights,
  FORMAT_VERSION,
  readMetadata,
  toArtifacts,
} from './format.js';
import { fileSystemHandler } from './fs_io.js';
import { installWeights, type QuantizedLayerWeights, QuantizedModel } from './quantized_model.js';

export interface SaveQuantizedOptions {
  /** Plain tfjs layers with dequantized weights (stock-loadable, float32 bytes). Default false. */
  portable?: boolean;
}

function resolveHandler(target: string | io.IOHandler, forSave: boolean): io.IOHandler {
  if (typeof target !== 'string') return target;
  if (/^https?:\/\//.test(target)) {
    return io.http(target.endsWith('.json') ? target : `${target.replace(/\/$/, '')}/model.json`);
  }
  if (/^[a-z]+:\/\//.test(target)) {
    const handlers = forSave ? io.getSaveHandlers(target) : io.getLoadHandlers(target);
    if (handlers.length === 0) throw new Error(`clipq: no tfjs IO handler for '${target}'`);
    return handlers[0]!;
  }
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(
      `clipq: '${target}' is a local path, which only Node can use; pass a URL or an IOHandler`,
    );
  }
  return fileSystemHandler(target);
}

export async function saveQuantized(
  model: QuantizedModel,
  target: string | io.IOHandler,
  options: SaveQuantizedOptions = {},
): Promise<io.SaveResult> {
  const handler = resolveHandler(target, true);
  if (!handler.save) throw new Error('saveQuantized: the IO handler cannot save');
  const artifacts = options.portable ? await portableArtifacts(model) : toArtifacts(model);
  return handler.save(artifacts);
}

export interface LoadQuantizedOptions {
  /**
   * Pack the int8 weights into the active backend right away (`QuantizedModel.pack`): about 1 byte per
   * parameter resident instead of ~9 (int32 codes plus the float deploy kernels). Default true: a
   * loaded model is for inference. It has no effect on a backend without a clipq backend package. Pass
   * false to keep the int32 codes and the float deploy kernels (fast `predictDequantized`, writable
   * deploy weights).
   */
  pack?: boolean;
}

export async function loadQuantized(
  source: string | io.IOHandler,
  options: LoadQuantizedOptions = {},
): Promise<QuantizedModel> {
  const handler = resolveHandler(source, false);
  if (!handler.load) throw new Error('loadQuantized: the IO handler cannot load');
  const where = typeof source === 'string' ? `'${source}'` : 'the model';
  const artifacts = await handler.load();
  const metadata = readMetadata(artifacts, where);
  if (metadata.portable) {
    throw new Error(
      `loadQuantized: ${where} is a portable (float) export; load it with tf.loadLayersModel`,
    );
  }
  const { kernels, floats } = decodeWeights(artifacts, metadata);
  const deploy = (await tfl.models.modelFromJSON({
    modelTopology: artifacts.modelTopology,
  } as never)) as tfl.LayersModel;
  const layers = new Map<string, QuantizedLayerWeights>();
  const take = (name: string): Tensor => {
    const value = floats.get(name);
    if (!value) throw new Error(`loadQuantized: ${where} has no weight '${name}'`);
    return value;
  };
  for (const [layerName, { codes, shape }] of kernels) {
    const layer = deploy.getLayer(layerName);
    const bias =
      layer instanceof QatLayer && layer.useBias ? take(layer.weights[1]!.originalName) : null;
    layers.set(layerName, { kernel: codes, kernelShape: shape, bias });
  }
  installWeights(deploy, layers, (name) => {
    const layer = deploy.getLayer(name);
    const skip = layers.has(name) ? 1 + (layers.get(name)!.bias ? 1 : 0) : 0;
    return layer.weights.slice(skip).map((w) => take(w.originalName));
  });
  // setWeights copied the decoded floats into the deploy graph; only the biases are kept (the runtime's).
  const biases = new Set([...layers.values()].map((w) => w.bias));
  for (const value of floats.values()) if (!biases.has(value)) value.dispose();
  const model = new QuantizedModel(deploy, layers);
  if (options.pack ?? true) model.pack();
  return model;
}

/** The stock-layers twin of a QuantizedModel: no fake-quant layers, dequantized kernels. */
export function toPortableModel(model: QuantizedModel): tfl.LayersModel {
  const portable = rebuildModel(model.model, model.model.name, 'saveQuantized', (node) => {
    const layer = node.layer;
    if (layer instanceof FakeQuantize) return null;
    if (!(layer instanceof QatLayer)) return cloneLayer(layer);
    const common = { name: layer.name, activation: layer.activation, useBias: layer.useBias };
    if (layer instanceof QatDense) return tfl.layers.dense({ ...common, units: layer.units });
    const convLayer = layer as QatConv2D | QatDepthwiseConv2D;
    const conv = {
      kernelSize: convLayer.kernelSize,
      strides: convLayer.strides,
      padding: convLayer.padding,
      dilationRate: convLayer.dilationRate,
    };
    if (layer instanceof QatConv2D)
      return tfl.layers.conv2d({ ...common, ...conv, filters: layer.filters });
    const depthwise = layer as QatDepthwiseConv2D;
    return tfl.layers.depthwiseConv2d({
      ...common,
      ...conv,
      depthMultiplier: depthwise.depthMultiplier,
    });
  });
  for (const layer of portable.layers) {
    if (layer.weights.length === 0) continue;
    const source = model.model.getLayer(layer.name);
    // tidy: a packed model's released kernels come back as new (dequantized) tensors.
    tidy(() => layer.setWeights(source.getWeights().slice(0, layer.weights.length)));
  }
  return portable;
}

async function portableArtifacts(model: QuantizedModel): Promise<io.ModelArtifacts> {
  const portable = toPortableModel(model);
  let artifacts: io.ModelArtifacts | null = null;
  await portable.save(
    io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  portable.dispose();
  const metadata: ClipqMetadata = {
    formatVersion: FORMAT_VERSION,
    portable: true,
    producer: '@clipq/core',
    weights: [],
    activations: model.activationRanges,
  };
  return { ...artifacts!, userDefinedMetadata: { clipq: metadata as unknown as object } };
}
