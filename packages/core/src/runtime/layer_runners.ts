/**
 * How the int8 runtime runs each kind of layer. Dense, Conv2D and DepthwiseConv2D (QAT layers) run on
 * the int8 kernels and requantize their output to the next layer's codes with their learned output
 * range (exact float32 rescaling: the kernel's float epilogue, then `quantize`, half-up). Reshapes,
 * dropout, zero padding and max pooling work on codes directly. Everything else runs in float on
 * dequantized values.
 */
import { cast, maxPool, pad, reshape, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import type { FusedActivation } from '../kernel_names.js';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatLayer } from '../layers/qat_layer.js';
import type { QuantizedLayerWeights } from '../model/quantized_model.js';
import { conv2dInt8 } from '../ops/conv2d_int8.js';
import { depthwiseConv2dInt8 } from '../ops/depthwise_conv2d_int8.js';
import { matMulInt8 } from '../ops/mat_mul_int8.js';
import { applyActivation } from '../qat/activation.js';
import {
  asCodes,
  asFloat,
  floatOf,
  floatValue,
  quantizeWith,
  type RangeSpec,
  type Value,
} from './values.js';

export interface LayerRun {
  value: Value;
  /** What ran, for `summary()`: a kernel name, or how the layer was handled. */
  path: string;
}

const FUSABLE: readonly string[] = ['linear', 'relu', 'relu6'];

function withCodes(
  codes: QuantizedTensor,
  shape: number[],
  range: RangeSpec,
  map?: (c: Tensor) => Tensor,
): Value {
  const next = new QuantizedTensor(
    tidy(() => (map ? map(codes.codes) : reshape(codes.codes, shape))),
    {
      scale: codes.scale,
      zeroPoint: codes.zeroPoint,
      axis: null,
      bits: codes.bits,
      narrowRange: codes.narrowRange,
    },
  );
  return { kind: 'codes', codes: next, range };
}

function runQat(
  layer: QatLayer,
  input: Value,
  weights: QuantizedLayerWeights | undefined,
): LayerRun | null {
  const codes = weights ? asCodes(input) : null;
  if (!codes || !weights) return null;
  const className = layer.getClassName();
  const fused = FUSABLE.includes(layer.activation)
    ? (layer.activation as FusedActivation)
    : 'linear';
  const options = { activation: fused, ...(weights.bias ? { bias: weights.bias } : {}) };
  let kernel: string;
  let out: Tensor;
  try {
    if (className === 'ClipqQatDense' && codes.shape.length === 2) {
      kernel = 'ClipqMatMulInt8';
      out = matMulInt8(codes, weights.kernel, options);
    } else if (className === 'ClipqQatConv2D') {
      const conv = layer as unknown as {
        strides: [number, number];
        padding: 'same' | 'valid';
        dilationRate: [number, number];
      };
      kernel = 'ClipqConv2DInt8';
      out = conv2dInt8(codes, weights.kernel, {
        ...options,
        strides: conv.strides,
        pad: conv.padding,
        dilations: conv.dilationRate,
      });
    } else if (className === 'ClipqQatDepthwiseConv2D') {
      const conv = layer as unknown as {
        strides: [number, number];
        padding: 'same' | 'valid';
        dilationRate: [number, number];
      };
      kernel = 'ClipqDepthwiseConv2DInt8';
      out = depthwiseConv2dInt8(codes, weights.kernel, {
        ...options,
        strides: conv.strides,
        pad: conv.padding,
        dilations: conv.dilationRate,
      });
    } else {
      return null;
    }
  } finally {
    if (input.kind === 'float') codes.dispose();
  }
  if (fused !== layer.activation) {
    const linear = out;
    out = tidy(() => applyActivation(layer.activation, linear));
    linear.dispose();
  }
  const outputRange = layer.getOutputRange();
  if (!outputRange || layer.activationBits > 8) {
    return { value: floatValue(out, null), path: `${kernel} → float` };
  }
  const range = { min: outputRange.min[0]!, max: outputRange.max[0]!, bits: layer.activationBits };
  const next = quantizeWith(out, range);
  out.dispose();
  return {
    value: { kind: 'codes', codes: next, range },
    path: `${kernel} → int${range.bits} codes`,
  };
}

function runCodePassThrough(
  layer: tfl.layers.Layer,
  input: Value,
  outputShape: number[],
): LayerRun | null {
  if (input.kind !== 'codes') return null;
  const { codes, range } = input;
  const shape = outputShape.map((d, i) => (i === 0 ? codes.shape[0]! : d));
  switch (layer.getClassName()) {
    case 'Flatten':
    case 'Reshape':
      return { value: withCodes(codes, shape, range), path: 'reshape codes' };
    case 'Dropout':
      return { value: withCodes(codes, codes.shape, range), path: 'identity on codes' };
    case 'ZeroPadding2D': {
      const padding = (layer.getConfig().padding as [[number, number], [number, number]]) ?? [
        [1, 1],
        [1, 1],
      ];
      const zero = codes.zeroPoint[0]!;
      const map = (c: Tensor) => pad(c, [[0, 0], padding[0], padding[1], [0, 0]], zero);
      return { value: withCodes(codes, shape, range, map), path: 'zero-point padding on codes' };
    }
    case 'MaxPooling2D': {
      // Dequantization is monotonic, so max pooling commutes with it: pool the codes (exact in float).
      const config = layer.getConfig() as {
        poolSize: [number, number];
        strides: [number, number];
        padding: 'same' | 'valid';
      };
      const map = (c: Tensor) =>
        cast(
          maxPool(cast(c, 'float32') as never, config.poolSize, config.strides, config.padding),
          'int32',
        );
      return { value: withCodes(codes, shape, range, map), path: 'max pool on codes' };
    }
    default:
      return null;
  }
}

function runFakeQuantize(layer: FakeQuantize, input: Value): LayerRun | null {
  if (layer.axis !== null || layer.bits > 8) return null;
  const { min, max } = layer.getRange();
  const range = { min: min[0]!, max: max[0]!, bits: layer.bits };
  const x = asFloat(input);
  const codes = quantizeWith(x, range);
  if (input.kind === 'codes') x.dispose();
  return { value: { kind: 'codes', codes, range }, path: `quantize → int${range.bits} codes` };
}

/** Runs one layer on its input values. */
export function runLayer(
  layer: tfl.layers.Layer,
  inputs: Value[],
  weights: Map<string, QuantizedLayerWeights>,
  outputShape: number[],
): LayerRun {
  if (inputs.length === 1) {
    const input = inputs[0]!;
    const special =
      layer instanceof QatLayer
        ? runQat(layer, input, weights.get(layer.name))
        : layer instanceof FakeQuantize
          ? runFakeQuantize(layer, input)
          : runCodePassThrough(layer, input, outputShape);
    if (special) return special;
  }
  const tensor = floatOf(
    inputs,
    (floats) => layer.apply(floats.length === 1 ? floats[0]! : floats) as Tensor,
  );
  const single = inputs.length === 1 ? inputs[0]!.range : null;
  // Shape-only layers keep their input's range, so a following quantized layer can requantize.
  const keepsRange = [
    'Flatten',
    'Reshape',
    'Dropout',
    'AveragePooling2D',
    'GlobalAveragePooling2D',
    'MaxPooling2D',
  ];
  const range = keepsRange.includes(layer.getClassName()) ? single : null;
  return { value: floatValue(tensor, range), path: 'float (dequantized)' };
}
