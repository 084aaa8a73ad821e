/**
 * QuantizedModel: a QAT model converted to int8. Its quantized layers' kernels are QuantizedTensors
 * (signed codes with the learned, nudged per-channel ranges); its activation ranges are the learned ones.
 *
 * `predict` runs the int8 runtime (int8 kernels, codes between layers). `predictDequantized` runs a
 * "deploy" graph: the same QAT layer classes with `quantizeWeights: false`, whose kernels hold the
 * dequantized codes; dequantized codes equal the fake-quantized kernel bit for bit, so it computes
 * exactly what the QAT model did.
 */
import { getBackend, reshape, type Tensor, tidy, zeros } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatLayer } from '../layers/qat_layer.js';
import { dequantize } from '../ops/dequantize.js';
import { quantize } from '../ops/quantize.js';
import { cloneLayer, rebuildModel } from '../qat/graph.js';
import { Int8Runtime, type LayerPlan } from '../runtime/int8_runtime.js';
import { int8KernelOf, kernelInputShape } from '../runtime/layer_runners.js';

export interface ActivationRange {
  /** The layer whose output (or, for an input quantizer, whose input) the range quantizes. */
  layer: string;
  min: number;
  max: number;
  bits: number;
}

export interface QuantizedLayerWeights {
  /** The layer's kernel codes, channel view (depthwise kernels as [kh, kw, in·multiplier]). */
  kernel: QuantizedTensor;
  /** The kernel's shape in the model. */
  kernelShape: number[];
  bias: Tensor | null;
}

export class QuantizedModel {
  constructor(
    /** The deploy graph (QAT layers with `quantizeWeights: false`). */
    readonly model: tfl.LayersModel,
    /** Per quantized layer name. */
    readonly layers: Map<string, QuantizedLayerWeights>,
  ) {
    // One copy of each bias: the int8 runtime reads the deploy layer's own variable.
    for (const [name, weights] of layers) {
      const layer = model.getLayer(name);
      if (!(layer instanceof QatLayer) || !weights.bias) continue;
      const shared = layer.getKernelAndBias().bias;
      if (!shared || shared === weights.bias) continue;
      weights.bias.dispose();
      weights.bias = shared;
      this.sharedBiases.add(shared);
    }
  }

  /** Biases that are the deploy graph's variables (freed with the graph). */
  private readonly sharedBiases = new Set<Tensor>();

  private int8Runtime: Int8Runtime | null = null;
  /** The backend the weights are packed for (`pack`), or null while they are int32 codes. */
  private packedBackend: string | null = null;

  /** The learned activation ranges, in model order. */
  get activationRanges(): ActivationRange[] {
    const ranges: ActivationRange[] = [];
    for (const layer of this.model.layers) {
      if (layer instanceof FakeQuantize && layer.axis === null) {
        const { min, max } = layer.getRange();
        ranges.push({ layer: layer.name, min: min[0]!, max: max[0]!, bits: layer.bits });
      } else if (layer instanceof QatLayer) {
        const range = layer.getOutputRange();
        if (range)
          ranges.push({
            layer: layer.name,
            min: range.min[0]!,
            max: range.max[0]!,
            bits: layer.activationBits,
          });
      }
    }
    return ranges;
  }

  /**
   * Runs the model on int8 kernels (the active backend's ClipqMatMulInt8/ClipqConv2DInt8/
   * ClipqDepthwiseConv2DInt8), with activations kept as int8 codes between quantized layers; see
   * `summary()` for what each layer runs.
   */
  predict(x: Tensor): Tensor {
    if (this.packedBackend !== null && this.packedBackend !== getBackend()) this.pack();
    return this.runtime().predict(x) as Tensor;
  }

  /**
   * Packs every int8 layer's weights into the active backend's cache and frees the int32 codes and the
   * deploy graph's float kernels, so the weights are resident once, at about 1 byte per parameter (the
   * backend's packed copy). After this:
   * - `predict` runs as before, and moves the weights if the active backend changes;
   * - `predictDequantized`, `save` and a kernel's `codes` still work, by unpacking on demand (slower, and
   *   `codes` keeps its unpacked tensor);
   * - the deploy graph's quantized kernels are read-only (`setWeights` throws).
   * Returns the number of layers packed: 0 when the backend has no packed-weight cache that can pin
   * (install its @clipq/backend-* package), in which case nothing changes.
   */
  pack(): number {
    // The compiled runtime holds the old attributes (pinned keys, or the codes' depthwise views, which
    // share the codes' data and would keep their packed copies alive): rebuild it in any case.
    this.int8Runtime?.dispose();
    this.int8Runtime = null;
    let packed = 0;
    for (const [name, weights] of this.layers) {
      const layer = this.model.getLayer(name);
      const kernelName = layer instanceof QatLayer ? int8KernelOf(layer) : null;
      if (!kernelName || weights.kernel.bits > 8) continue;
      if (!weights.kernel.pack(kernelName, kernelInputShape(kernelName, weights))) continue;
      packed++;
      const codes = weights.kernel;
      (layer as QatLayer).releaseKernel(() =>
        tidy(() =>
          reshape(
            (layer as QatLayer).unchannelKernel(codes.withCodes((q) => dequantize(q))),
            weights.kernelShape,
          ),
        ),
      );
    }
    // On a backend that cannot pin, the codes stay unpacked (moved from the last backend's cache).
    this.packedBackend = packed > 0 ? getBackend() : null;
    return packed;
  }

  /** The backend the weights are packed for, or null (int32 codes and float kernels resident). */
  get packedFor(): string | null {
    return this.packedBackend;
  }

  /**
   * Runs the deploy graph in float on the dequantized weights: bit-identical to the fake-quant (QAT)
   * model, which makes it the reference the int8 runtime is checked against.
   */
  predictDequantized(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    return this.model.predict(x, options) as Tensor;
  }

  /** What each layer ran in the last `predict` (layer, class, kernel path); throws before the first. */
  plan(): LayerPlan[] {
    return this.runtime().plan();
  }

  /** Prints which kernel each layer runs (after one `predict`, or on a zero input of batch 1). */
  summary(print: (line: string) => void = console.log): void {
    const runtime = this.runtime();
    if (!runtime.hasPlan()) {
      tidy(() => {
        const shape = (this.model.inputs[0]!.shape as number[]).map((d) => d ?? 1);
        runtime.predict(zeros(shape)) as Tensor;
      });
    }
    runtime.summary(print);
  }

  private runtime(): Int8Runtime {
    this.int8Runtime ??= new Int8Runtime(this.model, this.layers);
    return this.int8Runtime;
  }

  /** Frees the codes and the deploy graph's weights. */
  dispose(): void {
    this.int8Runtime?.dispose();
    for (const { kernel, bias } of this.layers.values()) {
      kernel.dispose();
      if (bias && !this.sharedBiases.has(bias)) bias.dispose();
    }
    this.model.dispose();
  }
}

/** The deploy graph of a QAT (or deploy) model: QAT layers with `quantizeWeights: false`, others copied. */
export function deployGraph(model: tfl.LayersModel): tfl.LayersModel {
  return rebuildModel(model, model.name, 'convertToInt8', (node) => {
    const layer = node.layer;
    if (layer instanceof QatLayer) {
      const cls = layer.constructor as unknown as {
        fromConfig(cls: unknown, config: object): tfl.layers.Layer;
      };
      return cls.fromConfig(cls, { ...layer.getConfig(), quantizeWeights: false });
    }
    return cloneLayer(layer);
  });
}

/** Puts dequantized kernels, biases and every other weight (by layer name) into a deploy graph. */
export function installWeights(
  deploy: tfl.LayersModel,
  layers: Map<string, QuantizedLayerWeights>,
  otherWeights: (layerName: string) => Tensor[],
): void {
  for (const layer of deploy.layers) {
    if (layer.weights.length === 0) continue;
    const quantized = layers.get(layer.name);
    if (layer instanceof QatLayer && quantized) {
      tidy(() => {
        const kernel = reshape(
          layer.unchannelKernel(dequantize(quantized.kernel)),
          quantized.kernelShape,
        );
        const rest = otherWeights(layer.name);
        layer.setWeights([kernel, ...(quantized.bias ? [quantized.bias] : []), ...rest]);
      });
    } else {
      layer.setWeights(otherWeights(layer.name));
    }
  }
}

/** Converts a QAT model (trained or calibrated) to int8 with its learned ranges. */
export function convertToInt8(qatModel: tfl.LayersModel): QuantizedModel {
  const layers = new Map<string, QuantizedLayerWeights>();
  for (const layer of qatModel.layers) {
    if (!(layer instanceof QatLayer) || !layer.quantizeWeights) continue;
    const range = layer.getWeightRange()!;
    const { kernel, bias } = layer.getKernelAndBias();
    const quantizeOptions = { bits: layer.weightBits, narrowRange: true, symmetric: true } as const;
    const channels = layer.channelKernel(kernel);
    const codes = layer.perChannel
      ? quantize(channels, range.min, range.max, { ...quantizeOptions, axis: -1 })
      : quantize(channels, range.min[0]!, range.max[0]!, quantizeOptions);
    // A depthwise kernel's channel view is a reshape: a tensor of its own to free.
    if (channels !== kernel) channels.dispose();
    layers.set(layer.name, {
      kernel: codes,
      kernelShape: kernel.shape.slice(),
      bias: bias ? bias.clone() : null,
    });
  }
  const deploy = deployGraph(qatModel);
  installWeights(deploy, layers, (name) => {
    const source = qatModel.getLayer(name);
    if (source instanceof QatLayer && source.quantizeWeights) {
      // QAT weights are [kernel, bias?, weight_range, output_range?]; the deploy layer keeps output_range.
      const weights = source.getWeights();
      return source.quantizeOutput ? [weights[weights.length - 1]!] : [];
    }
    return source.getWeights();
  });
  return new QuantizedModel(deploy, layers);
}
