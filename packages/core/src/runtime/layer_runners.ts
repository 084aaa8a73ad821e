/**
 * How the int8 runtime runs each kind of layer, prepared once per model ("compiled"):
 * - Dense, Conv2D and DepthwiseConv2D (QAT layers) run on the int8 kernels (ClipqMatMulInt8,
 *   ClipqConv2DInt8, ClipqDepthwiseConv2DInt8) with bias and relu/relu6 fused, and requantize their
 *   output to the next layer's codes with their learned output range inside the kernel (the `requantize`
 *   attribute). Requantization is exact float32 rescaling: the kernel's float epilogue
 *   act(f32(f32(acc)·f32(sx·sw)) + bias), then ClipqQuantize's TF rounding
 *   floor((v − nudgedMin)/scale + 0.5); so the codes equal what the fake-quant model computes from the
 *   same (exact) accumulator. A kernel that returns float32 anyway (one that predates the attribute)
 *   gets a separate ClipqQuantize pass.
 * - Flatten/Reshape, Dropout, ZeroPadding2D (with the zero-point code) and MaxPooling2D (dequantization
 *   is monotonic) work on the codes directly (codes_layers.ts). A 2×2/2 'valid' MaxPooling2D that alone
 *   reads a requantized Conv2D runs inside the conv's kernel (`fusedMaxPool`) where the backend's kernel
 *   is marked `withFusedMaxPool`, so the full-size conv output is never written.
 * - Everything else runs in float on dequantized values (float_layer.ts).
 */
import {
  engine,
  keep,
  type NamedAttrMap,
  type NamedTensorMap,
  reshape,
  type Tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convGeometry } from '../impl/conv_geometry.js';
import type { PinnableKernel } from '../int8/packed_weight_cache.js';
import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
  type FusedActivation,
} from '../kernel_names.js';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatLayer } from '../layers/qat_layer.js';
import type { QuantizedLayerWeights } from '../model/quantized_model.js';
import { applyActivation } from '../qat/activation.js';
import { codesLayer } from './codes_layers.js';
import { type CompiledLayer, type FusedMaxPool, floatLayer } from './float_layer.js';
import { Quantizer } from './quantizer.js';
import { asCodes, asFloat, floatValue, type Value } from './values.js';

export type { CompiledLayer, LayerRun } from './float_layer.js';

const FUSABLE: readonly string[] = ['linear', 'relu', 'relu6'];

/** The int8 kernel a QAT layer runs on, or null for a class without one. */
export function int8KernelOf(layer: QatLayer): PinnableKernel | null {
  const className = layer.getClassName();
  return className === 'ClipqQatDense'
    ? ClipqMatMulInt8
    : className === 'ClipqQatConv2D'
      ? ClipqConv2DInt8
      : className === 'ClipqQatDepthwiseConv2D'
        ? ClipqDepthwiseConv2DInt8
        : null;
}

/** The weight-input shape of that kernel (depthwise kernels go back from their channel view). */
export function kernelInputShape(kernelName: string, weights: QuantizedLayerWeights): number[] {
  return kernelName === ClipqDepthwiseConv2DInt8 ? weights.kernelShape : weights.kernel.shape;
}

function qatLayer(layer: QatLayer, weights: QuantizedLayerWeights): CompiledLayer | null {
  const kernelName = int8KernelOf(layer);
  if (!kernelName || weights.kernel.bits > 8) return null;
  const fused = FUSABLE.includes(layer.activation)
    ? (layer.activation as FusedActivation)
    : 'linear';
  const kernel = weights.kernel;
  const depthwise = kernelName === ClipqDepthwiseConv2DInt8;
  // Kernel operands prepared once: filter layout, per-output-channel scales and zero points, bias.
  // Packed weights (QuantizedModel.pack) go to the kernel as the `pinnedWeights` attribute instead.
  const pinnedWeights = kernel.pinnedFor(kernelName, kernelInputShape(kernelName, weights));
  const filter = pinnedWeights
    ? null
    : depthwise
      ? keep(reshape(kernel.codes, weights.kernelShape))
      : kernel.codes;
  const channels = depthwise
    ? weights.kernelShape[2]! * weights.kernelShape[3]!
    : kernel.shape[kernel.shape.length - 1]!;
  if (kernel.axis !== null && kernel.scale.length !== channels) return null;
  // The codes' own parameter tensors ([channels], or [1] per tensor): no second copy per layer.
  const { scale, zeroPoint } = kernel.paramTensors();
  const conv = layer as unknown as {
    strides: [number, number];
    padding: 'same' | 'valid';
    dilationRate: [number, number];
  };
  const outputRange = layer.getOutputRange();
  const quantizer =
    outputRange && layer.activationBits <= 8
      ? new Quantizer({
          min: outputRange.min[0]!,
          max: outputRange.max[0]!,
          bits: layer.activationBits,
        })
      : null;
  // Requantize inside the kernel when nothing runs between the kernel and the quantizer.
  const requantize = quantizer && fused === layer.activation ? quantizer.requantize : null;
  const path = `${kernelName} → ${quantizer ? `int${quantizer.range.bits} codes` : 'float'}`;
  const fusedPath = `${path} (requantized in the kernel)`;
  const separatePath = `${path} (ClipqQuantize)`;
  // Kernel inputs and attributes built once; only the input codes and their scale/zero point vary (and
  // those are the same on every call of a model, so the attrs object is reused while they match).
  const isMatMul = kernelName === ClipqMatMulInt8;
  const weightInputs: Record<string, Tensor> = isMatMul
    ? { bScale: scale, bZeroPoint: zeroPoint }
    : { wScale: scale, wZeroPoint: zeroPoint };
  if (filter) weightInputs[isMatMul ? 'b' : 'filter'] = filter;
  if (weights.bias) weightInputs.bias = weights.bias;
  let attrs: NamedAttrMap | null = null;
  let attrsScale = Number.NaN;
  let attrsZeroPoint = Number.NaN;
  const attrsFor = (inputScale: number, inputZeroPoint: number): NamedAttrMap => {
    if (attrs && inputScale === attrsScale && inputZeroPoint === attrsZeroPoint) return attrs;
    const common = { activation: fused, hasBias: weights.bias != null, requantize, pinnedWeights };
    const built = isMatMul
      ? { ...common, aScale: inputScale, aZeroPoint: inputZeroPoint, transposeB: false }
      : {
          ...common,
          xScale: inputScale,
          xZeroPoint: inputZeroPoint,
          strides: conv.strides,
          pad: conv.padding,
          dilations: conv.dilationRate,
        };
    attrs = built as unknown as NamedAttrMap;
    attrsScale = inputScale;
    attrsZeroPoint = inputZeroPoint;
    return attrs;
  };
  // The attributes with a fused max pool, built once per (attributes, pool).
  let pooledAttrs: { base: NamedAttrMap; pool: FusedMaxPool; attrs: NamedAttrMap } | null = null;
  const fallback = floatLayer(layer);
  /** False when the conv output has its full height, i.e. the kernel did not run the pool. */
  const didPool = (xShape: number[], outShape: number[]): boolean =>
    outShape[1] !==
    convGeometry(
      xShape,
      weights.kernelShape[0]!,
      weights.kernelShape[1]!,
      conv.strides,
      conv.dilationRate,
      conv.padding,
    ).outHeight;
  return {
    run(inputs, fusedMaxPool) {
      const input = inputs[0]!;
      const codes = asCodes(input);
      if (!codes || (isMatMul && codes.shape.length !== 2)) {
        if (codes && input.kind === 'float') codes.dispose();
        return fallback.run(inputs);
      }
      const kernelInputs = { ...weightInputs, [isMatMul ? 'a' : 'x']: codes.codes };
      // A fused max pool needs requantized codes out of ClipqConv2DInt8. The runtime passes `fusedMaxPool`
      // only when the active backend's kernel is marked as honouring it (looked up once per predict).
      const pool =
        fusedMaxPool && requantize && kernelName === ClipqConv2DInt8 ? fusedMaxPool : null;
      const baseAttrs = attrsFor(codes.scale[0]!, codes.zeroPoint[0]!);
      let kernelAttrs = baseAttrs;
      if (pool) {
        if (pooledAttrs?.base !== baseAttrs || pooledAttrs.pool !== pool) {
          const attrs = { ...baseAttrs, fusedMaxPool: pool } as unknown as NamedAttrMap;
          pooledAttrs = { base: baseAttrs, pool, attrs };
        }
        kernelAttrs = pooledAttrs.attrs;
      }
      // One kernel call creates no intermediate tensors; only an unfused activation needs a scope.
      const out =
        fused === layer.activation
          ? (engine().runKernel(kernelName, kernelInputs as NamedTensorMap, kernelAttrs) as Tensor)
          : tidy(() =>
              applyActivation(
                layer.activation,
                engine().runKernel(
                  kernelName,
                  kernelInputs as NamedTensorMap,
                  kernelAttrs,
                ) as Tensor,
              ),
            );
      if (input.kind === 'float') codes.dispose();
      if (!quantizer) return { value: floatValue(out, null), path };
      if (out.dtype === 'int32') {
        const value: Value = { kind: 'codes', codes: quantizer.wrap(out), quantizer };
        if (pool && didPool(codes.shape, out.shape))
          return { value, path: `${fusedPath} + max pool fused`, pooled: true };
        // A kernel that ignored the pool (full-height output): the pool step runs it.
        return { value, path: fusedPath };
      }
      const next = quantizer.apply(out);
      out.dispose();
      return { value: { kind: 'codes', codes: next, quantizer }, path: separatePath };
    },
    dispose() {
      if (depthwise) filter?.dispose();
      quantizer?.dispose();
    },
  };
}

function fakeQuantizeLayer(layer: FakeQuantize): CompiledLayer | null {
  if (layer.axis !== null || layer.bits > 8) return null;
  const { min, max } = layer.getRange();
  const quantizer = new Quantizer({ min: min[0]!, max: max[0]!, bits: layer.bits });
  return {
    run(inputs) {
      const input = inputs[0]!;
      const x = asFloat(input);
      const codes = quantizer.apply(x);
      if (input.kind === 'codes') x.dispose();
      return {
        value: { kind: 'codes', codes, quantizer },
        path: `quantize → int${layer.bits} codes`,
      };
    },
    dispose() {
      quantizer.dispose();
    },
  };
}

export function compileLayer(
  layer: tfl.layers.Layer,
  weights: Map<string, QuantizedLayerWeights>,
  outputShape: number[],
  inputCount: number,
): CompiledLayer {
  if (inputCount === 1) {
    const quantized = weights.get(layer.name);
    const compiled =
      layer instanceof QatLayer && quantized
        ? qatLayer(layer, quantized)
        : layer instanceof FakeQuantize
          ? fakeQuantizeLayer(layer)
          : codesLayer(layer, outputShape);
    if (compiled) return compiled;
  }
  return floatLayer(layer);
}
