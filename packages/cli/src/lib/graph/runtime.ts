/**
 * Executors of clipq's graph custom ops. Weight codes arrive as int32 tensors (stored with one byte
 * each); per-channel scales and activation ranges arrive as node attributes. Matmuls run on the int8
 * kernel (`matMulInt8`, whichever backend registered it); convolutions run the float kernel on the
 * dequantized weights with fake-quantized inputs, which computes the same int8 grid values.
 */
import { dequantize, fakeQuant, matMulInt8, QuantizedTensor, quantize } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphNode } from '@tensorflow/tfjs-converter';
import { weightView } from './plan.js';

type Activation = 'linear' | 'relu' | 'relu6';

interface CachedWeight {
  quantized: QuantizedTensor;
  dequantized: tf.Tensor | null;
}

/** Per codes tensor (by dataId): its QuantizedTensor view and, lazily, its float copy. */
const weightCache = new WeakMap<object, CachedWeight>();

function numberAttr(node: GraphNode, name: string, fallback: number): number {
  const v = node.attrs[name];
  return typeof v === 'number' ? v : fallback;
}

function activationOf(node: GraphNode): Activation {
  const fused = (node.attrs.fused_ops as string[] | undefined) ?? [];
  const last = fused[fused.length - 1];
  return last === 'relu' ? 'relu' : last === 'relu6' ? 'relu6' : 'linear';
}

function hasBias(node: GraphNode): boolean {
  const fused = (node.attrs.fused_ops as string[] | undefined) ?? [];
  return fused[0] === 'biasadd';
}

function cachedWeight(node: GraphNode, kind: 'matmul' | 'conv2d' | 'depthwise'): CachedWeight {
  const codes = node.inputs[1]!;
  const hit = weightCache.get(codes.dataId);
  if (hit) return hit;
  const transposeB = node.attrs.transpose_b === true;
  const { view, axis } = weightView(kind, codes.shape, transposeB);
  const scale = Float32Array.from(node.attrs.clipq_weight_scale as number[]);
  const codes2d = tf.keep(tf.reshape(codes, view));
  const quantized = new QuantizedTensor(codes2d, {
    scale,
    zeroPoint: new Int32Array(scale.length),
    axis: scale.length === 1 ? null : axis,
    bits: numberAttr(node, 'clipq_weight_bits', 8),
    narrowRange: true,
  });
  const entry: CachedWeight = { quantized, dequantized: null };
  weightCache.set(codes.dataId, entry);
  return entry;
}

function floatWeight(node: GraphNode, kind: 'matmul' | 'conv2d' | 'depthwise'): tf.Tensor {
  const entry = cachedWeight(node, kind);
  if (entry.dequantized == null) {
    entry.dequantized = tf.keep(
      tf.tidy(() => tf.reshape(dequantize(entry.quantized), node.inputs[1]!.shape)),
    );
  }
  return entry.dequantized;
}

function activationRange(node: GraphNode): { min: number; max: number; bits: number } | null {
  const min = node.attrs.clipq_act_min;
  const max = node.attrs.clipq_act_max;
  if (typeof min !== 'number' || typeof max !== 'number') return null;
  return { min, max, bits: numberAttr(node, 'clipq_act_bits', 8) };
}

function applyActivation(y: tf.Tensor, activation: Activation): tf.Tensor {
  if (activation === 'relu') return tf.relu(y);
  if (activation === 'relu6') return tf.relu6(y);
  return y;
}

export function executeQuantizedMatMul(node: GraphNode): tf.Tensor {
  const [x] = node.inputs as [tf.Tensor];
  const bias = hasBias(node) ? node.inputs[2] : undefined;
  const activation = activationOf(node);
  const transposeB = node.attrs.transpose_b === true;
  const range = activationRange(node);
  if (range == null) {
    return tf.tidy(() => {
      let y = tf.matMul(x, floatWeight(node, 'matmul'), false, transposeB);
      if (bias) y = tf.add(y, bias);
      return applyActivation(y, activation);
    });
  }
  const { quantized } = cachedWeight(node, 'matmul');
  const input = quantize(x, range.min, range.max, { bits: range.bits });
  try {
    return matMulInt8(input, quantized, bias ? { bias, activation, transposeB } : { activation, transposeB });
  } finally {
    input.dispose();
  }
}

function convolve(node: GraphNode, kind: 'conv2d' | 'depthwise'): tf.Tensor {
  const [x] = node.inputs as [tf.Tensor4D];
  const bias = hasBias(node) ? node.inputs[2] : undefined;
  const strides = (node.attrs.strides as number[] | undefined) ?? [1, 1, 1, 1];
  const dilations = (node.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  const padding = ((node.attrs.padding as string | undefined) ?? 'valid') as 'same' | 'valid';
  const range = activationRange(node);
  return tf.tidy(() => {
    const input = (range ? fakeQuant(x, range.min, range.max, { bits: range.bits }) : x) as tf.Tensor4D;
    const filter = floatWeight(node, kind) as tf.Tensor4D;
    const stride: [number, number] = [strides[1]!, strides[2]!];
    const dilation: [number, number] = [dilations[1]!, dilations[2]!];
    let y: tf.Tensor =
      kind === 'conv2d'
        ? tf.conv2d(input, filter, stride, padding, 'NHWC', dilation)
        : tf.depthwiseConv2d(input, filter, stride, padding, 'NHWC', dilation);
    if (bias) y = tf.add(y, bias);
    return applyActivation(y, activationOf(node));
  });
}

export function executeQuantizedConv2D(node: GraphNode): tf.Tensor {
  return convolve(node, 'conv2d');
}

export function executeQuantizedDepthwiseConv2D(node: GraphNode): tf.Tensor {
  return convolve(node, 'depthwise');
}
