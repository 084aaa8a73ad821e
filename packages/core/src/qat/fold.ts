/**
 * Layer fusion for QAT: a conv/dense layer absorbs a directly following BatchNormalization (folded with
 * its moving statistics, i.e. for a model trained and used in inference mode) and then a ReLU/ReLU6, so
 * that one output range is learned after the activation, where an int8 runtime would requantize.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { type GraphNode, type ModelGraph, soleConsumer } from './graph.js';

export interface FusedChain {
  batchNorm: GraphNode | null;
  activation: 'relu' | 'relu6' | null;
  activationNode: GraphNode | null;
  /** The node whose output the fused layer replaces. */
  last: GraphNode;
}

/** 'relu' or 'relu6' when `layer` is a plain ReLU/ReLU6 activation layer, else null. */
function reluKind(layer: tfl.layers.Layer): 'relu' | 'relu6' | null {
  const config = layer.getConfig();
  const className = layer.getClassName();
  if (className === 'ReLU') {
    if (config.maxValue == null) return 'relu';
    return config.maxValue === 6 ? 'relu6' : null;
  }
  if (
    className === 'Activation' &&
    (config.activation === 'relu' || config.activation === 'relu6')
  ) {
    return config.activation;
  }
  return null;
}

export function fusableChain(
  graph: ModelGraph,
  node: GraphNode,
  activation: string,
  skip: Set<string>,
): FusedChain {
  const chain: FusedChain = { batchNorm: null, activation: null, activationNode: null, last: node };
  const fusable = (next: GraphNode | null) =>
    next !== null && next.inputs.length === 1 && !skip.has(next.layer.name);
  let next = soleConsumer(graph, node.outputs[0]!);
  if (
    fusable(next) &&
    next!.layer.getClassName() === 'BatchNormalization' &&
    lastAxisBatchNorm(next!)
  ) {
    chain.batchNorm = next;
    chain.last = next!;
    next = soleConsumer(graph, next!.outputs[0]!);
  }
  if (activation === 'linear' && fusable(next)) {
    const kind = reluKind(next!.layer);
    if (kind) {
      chain.activation = kind;
      chain.activationNode = next;
      chain.last = next!;
    }
  }
  return chain;
}

function lastAxisBatchNorm(node: GraphNode): boolean {
  const axis = node.layer.getConfig().axis as number;
  const rank = node.inputs[0]!.shape.length;
  return axis === -1 || axis === rank - 1;
}

/**
 * Folds y = γ·(conv(x, w) + b − mean)/√(var + ε) + β into conv(x, w') + b'. The kernel's channel is
 * its flat index modulo the channel count (output channels are the innermost kernel axis, also for
 * depthwise kernels [kh, kw, in, multiplier]).
 */
export function foldBatchNorm(
  kernel: Float32Array,
  bias: Float32Array | null,
  batchNorm: tfl.layers.Layer,
): { kernel: Float32Array; bias: Float32Array } {
  const config = batchNorm.getConfig();
  const weights = batchNorm.getWeights().map((w) => w.dataSync() as Float32Array);
  let i = 0;
  const gamma = config.scale === false ? null : weights[i++]!;
  const beta = config.center === false ? null : weights[i++]!;
  const mean = weights[i++]!;
  const variance = weights[i++]!;
  const epsilon = (config.epsilon as number | undefined) ?? 1e-3;
  const channels = mean.length;
  const factor = Float64Array.from(
    variance,
    (v, c) => (gamma ? gamma[c]! : 1) / Math.sqrt(v + epsilon),
  );
  const folded = Float32Array.from(kernel, (w, k) => w * factor[k % channels]!);
  const foldedBias = Float32Array.from(
    mean,
    (m, c) => (beta ? beta[c]! : 0) + ((bias ? bias[c]! : 0) - m) * factor[c]!,
  );
  return { kernel: folded, bias: foldedBias };
}
