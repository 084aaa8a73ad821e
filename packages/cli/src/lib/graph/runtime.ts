/**
 * Executors of clipq's graph custom ops. A per-channel weight arrives as int32 codes (one byte each on
 * disk), a per-tensor one as its dequantized values (exact stock encoding); scales and the input's
 * activation range are node attributes. With an activation range, the input is quantized per tensor
 * and the op runs on core's int8 kernels (matMulInt8, conv2dInt8, depthwiseConv2dInt8, whichever backend
 * registered them); without one (weights only) the float op runs on the dequantized weight.
 */
import {
  conv2dInt8,
  depthwiseConv2dInt8,
  dequantize,
  matMulInt8,
  QuantizedTensor,
  quantize,
} from '@clipq/core';
import type { GraphNode } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { codesLayout } from './plan.js';

type Kind = 'matmul' | 'conv2d' | 'depthwise';
type Activation = 'linear' | 'relu' | 'relu6';

interface CachedWeight {
  quantized: QuantizedTensor;
  dequantized: tf.Tensor | null;
}

/** Per weight tensor (by dataId): its QuantizedTensor and, lazily, its float copy. */
const weightCache = new WeakMap<object, CachedWeight>();

function fusedOps(node: GraphNode): string[] {
  return (node.attrs.fused_ops as string[] | undefined) ?? [];
}

function activationOf(node: GraphNode): Activation {
  const last = fusedOps(node).at(-1);
  return last === 'relu' ? 'relu' : last === 'relu6' ? 'relu6' : 'linear';
}

function biasOf(node: GraphNode): tf.Tensor | undefined {
  return fusedOps(node)[0] === 'biasadd' ? node.inputs[2] : undefined;
}

function cachedWeight(node: GraphNode, kind: Kind): CachedWeight {
  const weight = node.inputs[1]!;
  const hit = weightCache.get(weight.dataId);
  if (hit) return hit;
  const { codesShape, axis } = codesLayout(kind, weight.shape, node.attrs.transpose_b === true);
  const scale = Float32Array.from(node.attrs.clipq_weight_scale as number[]);
  const perTensor = scale.length === 1;
  // Per-tensor weights decode to code·scale exactly; recover the codes once.
  const codes = tf.keep(
    tf.tidy(() =>
      weight.dtype === 'int32'
        ? tf.reshape(weight, codesShape)
        : tf.cast(tf.round(tf.div(tf.reshape(weight, codesShape), scale[0]!)), 'int32'),
    ),
  );
  const quantized = new QuantizedTensor(codes, {
    scale,
    zeroPoint: new Int32Array(scale.length),
    axis: perTensor ? null : axis,
    bits: Number(node.attrs.clipq_weight_bits ?? 8),
    narrowRange: true,
  });
  const entry: CachedWeight = { quantized, dequantized: null };
  weightCache.set(weight.dataId, entry);
  return entry;
}

function floatWeight(node: GraphNode, kind: Kind): tf.Tensor {
  const entry = cachedWeight(node, kind);
  entry.dequantized ??= tf.keep(
    tf.tidy(() => tf.reshape(dequantize(entry.quantized), node.inputs[1]!.shape)),
  );
  return entry.dequantized;
}

function activationRange(node: GraphNode): { min: number; max: number; bits: number } | null {
  const { clipq_act_min: min, clipq_act_max: max } = node.attrs;
  if (typeof min !== 'number' || typeof max !== 'number') return null;
  return { min, max, bits: Number(node.attrs.clipq_act_bits ?? 8) };
}

function applyActivation(y: tf.Tensor, activation: Activation): tf.Tensor {
  if (activation === 'relu') return tf.relu(y);
  if (activation === 'relu6') return tf.relu6(y);
  return y;
}

function convOptions(node: GraphNode) {
  const strides = (node.attrs.strides as number[] | undefined) ?? [1, 1, 1, 1];
  const dilations = (node.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  return {
    strides: [strides[1]!, strides[2]!] as [number, number],
    dilations: [dilations[1]!, dilations[2]!] as [number, number],
    pad: ((node.attrs.padding as string | undefined) ?? 'valid') as 'same' | 'valid',
  };
}

/** The float op on dequantized weights (weights-only models). */
function floatOp(node: GraphNode, kind: Kind): tf.Tensor {
  return tf.tidy(() => {
    const x = node.inputs[0]!;
    const w = floatWeight(node, kind);
    const { strides, dilations, pad } = convOptions(node);
    let y =
      kind === 'matmul'
        ? tf.matMul(x, w, false, node.attrs.transpose_b === true)
        : kind === 'conv2d'
          ? tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dilations)
          : tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad, 'NHWC', dilations);
    const bias = biasOf(node);
    if (bias) y = tf.add(y, bias);
    return applyActivation(y, activationOf(node));
  });
}

function int8Op(node: GraphNode, kind: Kind): tf.Tensor {
  const range = activationRange(node);
  if (range == null) return floatOp(node, kind);
  const { quantized } = cachedWeight(node, kind);
  const bias = biasOf(node);
  const epilogue = { activation: activationOf(node), ...(bias ? { bias } : {}) };
  const input = quantize(node.inputs[0]!, range.min, range.max, { bits: range.bits });
  try {
    if (kind === 'matmul')
      return matMulInt8(input, quantized, {
        ...epilogue,
        transposeB: node.attrs.transpose_b === true,
      });
    const options = { ...convOptions(node), ...epilogue };
    return kind === 'conv2d'
      ? conv2dInt8(input, quantized, options)
      : depthwiseConv2dInt8(input, quantized, options);
  } finally {
    input.dispose();
  }
}

export const executeQuantizedMatMul = (node: GraphNode): tf.Tensor => int8Op(node, 'matmul');
export const executeQuantizedConv2D = (node: GraphNode): tf.Tensor => int8Op(node, 'conv2d');
export const executeQuantizedDepthwiseConv2D = (node: GraphNode): tf.Tensor =>
  int8Op(node, 'depthwise');
