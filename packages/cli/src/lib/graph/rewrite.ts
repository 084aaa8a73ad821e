/** Rewrites one target node to its clipq custom op and encodes its weight. */
import type * as tf from '@tensorflow/tfjs-core';
import { type EncodedWeight, type EncodeOptions, encodeWeight } from '../weight_encoding.js';
import { CLIPQ_GRAPH_OPS, type GraphNodeDef } from './graph_def.js';
import type { GraphTarget } from './plan.js';

export interface RewriteOptions extends EncodeOptions {
  /** Quantize the node's input with this range (null: weights only). */
  activationRange: { min: number; max: number } | null;
}

function setConstDtype(nodes: GraphNodeDef[], name: string, dtype: string): void {
  const node = nodes.find((n) => n.name === name)!;
  node.attr ??= {};
  node.attr.dtype = { type: dtype };
  if (node.attr.value?.tensor) node.attr.value.tensor.dtype = dtype;
}

/** Encodes the target's weight; unless portable, switches the node to the clipq op with its scales. */
export function rewriteTarget(
  nodes: GraphNodeDef[],
  target: GraphTarget,
  weight: tf.Tensor,
  options: RewriteOptions,
): EncodedWeight {
  const node = target.node;
  const encoded = encodeWeight(
    target.weight,
    node.name,
    target.kind,
    weight,
    target.transposeB,
    options,
  );
  if (encoded.metadata == null) return encoded;
  encoded.metadata.op = node.op;
  node.op = CLIPQ_GRAPH_OPS[target.kind];
  node.attr ??= {};
  node.attr.clipq_weight_scale = { list: { f: encoded.metadata.scale } };
  node.attr.clipq_weight_bits = { i: String(options.bits) };
  if (target.kind === 'matmul') node.attr.transpose_b = { b: target.transposeB };
  if (options.activationRange) {
    node.attr.clipq_act_min = { f: options.activationRange.min };
    node.attr.clipq_act_max = { f: options.activationRange.max };
    node.attr.clipq_act_bits = { i: String(options.bits) };
  }
  // Per-channel weights arrive at the op as int32 codes; per-tensor ones as their real values.
  if (encoded.metadata.encoding === 'per-channel') setConstDtype(nodes, target.weight, 'DT_INT32');
  return encoded;
}
