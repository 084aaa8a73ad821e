/**
 * prepareQat: rebuilds a float LayersModel for quantization-aware training. Dense, Conv2D and
 * DepthwiseConv2D become QAT layers (fake-quant on weights and outputs, learned ranges), with a following
 * BatchNormalization folded in and a following ReLU/ReLU6 fused; layers without weights are copied;
 * any other layer with weights is an error unless listed in `skip` (then it stays float).
 */
import { type Tensor, tensor, tidy } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatConv2D, QatDepthwiseConv2D } from '../layers/qat_conv2d.js';
import { QatDense } from '../layers/qat_dense.js';
import type { QatLayer, QatLayerArgs } from '../layers/qat_layer.js';
import { assertActivation, type QatActivation } from './activation.js';
import { type QatConfig, type ResolvedQatConfig, resolveQatConfig } from './config.js';
import { foldBatchNorm, fusableChain } from './fold.js';
import { cloneLayer, type GraphNode, modelGraph } from './graph.js';

const QUANTIZABLE = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D']);

export function prepareQat(model: tfl.LayersModel, config: QatConfig = {}): tfl.LayersModel {
  const resolved = resolveQatConfig(config);
  const graph = modelGraph(model, 'prepareQat');
  const skip = new Set(resolved.skip);
  const known = new Set(model.layers.map((l) => l.name));
  for (const name of skip) {
    if (!known.has(name))
      throw new Error(`prepareQat: skip lists layer '${name}', which the model does not have`);
  }
  const mapped = new Map<number, tfl.SymbolicTensor>();
  const newInputs = graph.inputs.map((t) => {
    const input = tfl.input({
      shape: t.shape.slice(1) as number[],
      dtype: t.dtype,
      name: t.sourceLayer.name,
    });
    // Integer inputs (ids, indices) are not quantized: fake-quant is for float32 values.
    const quantized =
      resolved.quantizeInputs && t.dtype === 'float32'
        ? (new FakeQuantize({
            name: `${t.sourceLayer.name}_quant`,
            bits: resolved.activationBits,
            initialRange: [-1, 1],
            rangePenalty: resolved.rangePenalty,
            rangeGradient: resolved.rangeGradient,
            gradScale: resolved.gradScale,
          }).apply(input) as tfl.SymbolicTensor)
        : input;
    mapped.set(t.id, quantized);
    return input;
  });
  const fused = new Set<GraphNode>();
  for (const node of graph.nodes) {
    if (fused.has(node)) continue;
    const inputs = node.inputs.map((t) => mapped.get(t.id)!);
    const className = node.layer.getClassName();
    let outputs: tfl.SymbolicTensor[];
    if (QUANTIZABLE.has(className) && !skip.has(node.layer.name)) {
      const activation = String(node.layer.getConfig().activation ?? 'linear');
      const chain = fusableChain(graph, node, activation, skip);
      if (chain.batchNorm) fused.add(chain.batchNorm);
      if (chain.activationNode) fused.add(chain.activationNode);
      const qat = createQatLayer(node.layer, chain.activation ?? activation, resolved);
      outputs = [qat.apply(inputs[0]!) as tfl.SymbolicTensor];
      setQatWeights(qat, node.layer, chain.batchNorm?.layer ?? null);
      for (const t of chain.last.outputs) mapped.set(t.id, outputs[0]!);
      continue;
    }
    if (node.layer.weights.length > 0 && !skip.has(node.layer.name)) {
      throw new Error(
        `prepareQat: layer '${node.layer.name}' (${className}) has weights that clipq cannot quantize ` +
          `(supported: ${[...QUANTIZABLE].join(', ')}). It will stay float only if you list it in config.skip: ['${node.layer.name}']`,
      );
    }
    const copy = cloneLayer(node.layer);
    const result = copy.apply(inputs.length === 1 ? inputs[0]! : inputs);
    outputs = Array.isArray(result)
      ? (result as tfl.SymbolicTensor[])
      : [result as tfl.SymbolicTensor];
    if (node.layer.weights.length > 0) copy.setWeights(node.layer.getWeights());
    for (const [i, t] of node.outputs.entries()) mapped.set(t.id, outputs[i]!);
  }
  return tfl.model({
    inputs: newInputs,
    outputs: graph.outputs.map((t) => mapped.get(t.id)!),
    name: `${model.name}_qat`,
  });
}

function createQatLayer(
  layer: tfl.layers.Layer,
  activation: string,
  config: ResolvedQatConfig,
): QatLayer {
  const source = layer.getConfig();
  assertActivation(layer.name, activation);
  if (source.dataFormat != null && source.dataFormat !== 'channelsLast') {
    throw new Error(
      `prepareQat: layer '${layer.name}' uses dataFormat '${String(source.dataFormat)}'; only channelsLast is supported`,
    );
  }
  const common: QatLayerArgs = {
    name: layer.name,
    activation: activation as QatActivation,
    useBias: true,
    weightBits: config.weightBits,
    activationBits: config.activationBits,
    perChannel: config.perChannel,
    rangeGradient: config.rangeGradient,
    gradScale: config.gradScale,
    rangePenalty: config.rangePenalty,
  };
  const conv = {
    kernelSize: source.kernelSize as [number, number],
    strides: source.strides as [number, number],
    padding: source.padding as 'same' | 'valid',
    dilationRate: source.dilationRate as [number, number],
  };
  switch (layer.getClassName()) {
    case 'Dense':
      return new QatDense({ ...common, units: source.units as number });
    case 'Conv2D':
      return new QatConv2D({ ...common, ...conv, filters: source.filters as number });
    default:
      return new QatDepthwiseConv2D({
        ...common,
        ...conv,
        depthMultiplier: source.depthMultiplier as number,
      });
  }
}

/** Copies the float kernel and bias (folding a BatchNormalization in) and initializes the weight range. */
function setQatWeights(
  qat: QatLayer,
  layer: tfl.layers.Layer,
  batchNorm: tfl.layers.Layer | null,
): void {
  const [kernel, bias] = layer.getWeights() as [Tensor, Tensor | undefined];
  let kernelValues = kernel.dataSync() as Float32Array;
  let biasValues = bias ? (bias.dataSync() as Float32Array) : null;
  if (batchNorm)
    ({ kernel: kernelValues, bias: biasValues } = foldBatchNorm(
      kernelValues,
      biasValues,
      batchNorm,
    ));
  tidy(() =>
    qat.setKernelAndBias(
      tensor(kernelValues, kernel.shape),
      biasValues ? tensor(biasValues) : null,
    ),
  );
  qat.initWeightRange();
}
