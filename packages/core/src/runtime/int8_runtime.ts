/**
 * The int8 inference runtime: executes a converted model layer by layer, with Dense, Conv2D and
 * DepthwiseConv2D on the int8 kernels of whichever backend is active, and activations kept as int8 codes
 * between quantized layers. `summary()` lists what each layer ran.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { kernelFusesMaxPool } from '../kernels/fused_max_pool.js';
import type { QuantizedLayerWeights } from '../model/quantized_model.js';
import type { FusedMaxPool } from './float_layer.js';
import { type CompiledLayer, compileLayer, type LayerRun } from './layer_runners.js';
import { asFloat, disposeValue, floatValue, type Value } from './values.js';

export interface LayerPlan {
  layer: string;
  className: string;
  path: string;
}

interface Step {
  layer: tfl.layers.Layer;
  inputs: string[];
  compiled: CompiledLayer;
  /** A 2×2 stride-2 'valid' MaxPooling2D that alone reads this layer's output: offered to its kernel. */
  fusedMaxPool?: FusedMaxPool;
  /** This MaxPooling2D's input layer, when that layer may run it fused. */
  pooledBy?: string;
}

type LayerNode = {
  inboundLayers: tfl.layers.Layer[];
};

export class Int8Runtime {
  private readonly steps: Step[] = [];
  private readonly inputNames: string[];
  private readonly outputNames: string[];
  private lastPlan: LayerPlan[] | null = null;
  /** How many consumers (layers, or the model output) read each value: a value is freed after its last. */
  private readonly uses = new Map<string, number>();
  private readonly isInput: Set<string>;
  /** Whether some Conv2D → MaxPooling2D pair could run as one kernel call (markFusablePools). */
  private hasFusablePools = false;

  constructor(model: tfl.LayersModel, weights: Map<string, QuantizedLayerWeights>) {
    this.inputNames = model.inputLayers.map((l) => l.name);
    this.outputNames = model.outputLayers.map((l) => l.name);
    for (const layer of model.layers) {
      if (this.inputNames.includes(layer.name)) continue;
      const nodes = (layer as unknown as { inboundNodes: LayerNode[] }).inboundNodes;
      if (nodes.length !== 1) {
        throw new Error(
          `Int8Runtime: layer '${layer.name}' is used ${nodes.length} times; shared layers are not supported`,
        );
      }
      const shape = (layer.outputShape as number[]).map((d) => d ?? -1);
      const inputs = nodes[0]!.inboundLayers.map((l) => l.name);
      this.steps.push({
        layer,
        inputs,
        compiled: compileLayer(layer, weights, shape, inputs.length),
      });
    }
    for (const name of [...this.steps.flatMap((step) => step.inputs), ...this.outputNames])
      this.uses.set(name, (this.uses.get(name) ?? 0) + 1);
    this.isInput = new Set(this.inputNames);
    this.markFusablePools();
  }

  /**
   * Conv2D → MaxPooling2D (2×2, stride 2, 'valid') where the pool is the conv's only reader: the conv's
   * kernel may run the pool itself (ClipqConv2DInt8 `fusedMaxPool`; on backends whose kernel supports
   * it, looked up once per predict), and the pool step then passes the pooled codes on.
   */
  private markFusablePools(): void {
    const byName = new Map(this.steps.map((step) => [step.layer.name, step]));
    for (const pool of this.steps) {
      if (pool.layer.getClassName() !== 'MaxPooling2D' || pool.inputs.length !== 1) continue;
      const config = pool.layer.getConfig() as {
        poolSize: number[];
        strides: number[];
        padding: string;
      };
      const twoByTwo =
        config.poolSize.join() === '2,2' &&
        config.strides.join() === '2,2' &&
        config.padding === 'valid';
      const conv = byName.get(pool.inputs[0]!);
      if (!twoByTwo || !conv || conv.layer.getClassName() !== 'ClipqQatConv2D') continue;
      if (this.uses.get(conv.layer.name) !== 1) continue;
      conv.fusedMaxPool = { poolSize: [2, 2], strides: [2, 2], pad: 'valid' };
      this.hasFusablePools = true;
      pool.pooledBy = conv.layer.name;
    }
  }

  /** Runs the model; float32 outputs (one tensor, or one per model output). */
  predict(x: Tensor | Tensor[]): Tensor | Tensor[] {
    const xs = Array.isArray(x) ? x : [x];
    if (xs.length !== this.inputNames.length) {
      throw new Error(
        `Int8Runtime: the model takes ${this.inputNames.length} inputs, got ${xs.length}`,
      );
    }
    const values = new Map<string, Value>();
    const remainingUses = new Map(this.uses);
    this.inputNames.forEach((name, i) => {
      values.set(name, floatValue(xs[i]!, null));
    });
    const plan: LayerPlan[] = [];
    const release = (name: string) => {
      const left = (remainingUses.get(name) ?? 1) - 1;
      remainingUses.set(name, left);
      const value = values.get(name);
      if (left <= 0 && value && !this.isInput.has(name)) {
        disposeValue(value);
        values.delete(name);
      }
    };
    // Layers whose kernel ran the following max pool: their value is already the pool's output.
    const pooled = new Set<string>();
    // One kernel lookup per predict: the backend, or its registered kernel, may change between calls.
    const fuses = this.hasFusablePools && kernelFusesMaxPool();
    try {
      for (const step of this.steps) {
        if (step.pooledBy && pooled.has(step.pooledBy)) {
          const value = values.get(step.pooledBy)!;
          values.delete(step.pooledBy);
          values.set(step.layer.name, value);
          remainingUses.set(step.pooledBy, 0);
          plan.push({
            layer: step.layer.name,
            className: step.layer.getClassName(),
            path: `fused into ${step.pooledBy}`,
          });
          continue;
        }
        const inputs = step.inputs.map((name) => {
          const value = values.get(name);
          if (!value)
            throw new Error(
              `Int8Runtime: layer '${step.layer.name}' needs '${name}', which has not run`,
            );
          return value;
        });
        const run: LayerRun = step.compiled.run(inputs, fuses ? (step.fusedMaxPool ?? null) : null);
        if (run.pooled) pooled.add(step.layer.name);
        values.set(step.layer.name, run.value);
        plan.push({ layer: step.layer.name, className: step.layer.getClassName(), path: run.path });
        for (const name of step.inputs) release(name);
      }
      const outputs = this.outputNames.map((name) => {
        const value = values.get(name)!;
        // Codes are dequantized into a new tensor; only a model input passed straight through is cloned.
        const out =
          value.kind === 'codes'
            ? asFloat(value)
            : this.isInput.has(name)
              ? value.tensor.clone()
              : value.tensor;
        if (value.kind === 'codes') disposeValue(value);
        values.delete(name);
        return out;
      });
      this.lastPlan = plan;
      return outputs.length === 1 ? outputs[0]! : outputs;
    } finally {
      for (const [name, value] of values) if (!this.isInput.has(name)) disposeValue(value);
    }
  }

  /** Frees the prepared operands (the model's weights stay with the model). */
  dispose(): void {
    for (const step of this.steps) step.compiled.dispose();
  }

  hasPlan(): boolean {
    return this.lastPlan !== null;
  }

  /** What each layer ran in the last `predict` (run one first). */
  plan(): LayerPlan[] {
    if (!this.lastPlan)
      throw new Error('Int8Runtime.plan: call predict() once first; paths depend on the data flow');
    return this.lastPlan;
  }

  /** A printable table of the layers and the kernel each one ran. */
  summary(print: (line: string) => void = console.log): void {
    const rows = this.plan();
    const width = Math.max(5, ...rows.map((r) => r.layer.length));
    const classWidth = Math.max(5, ...rows.map((r) => r.className.length));
    print(`${'layer'.padEnd(width)}  ${'class'.padEnd(classWidth)}  runs on`);
    for (const r of rows)
      print(`${r.layer.padEnd(width)}  ${r.className.padEnd(classWidth)}  ${r.path}`);
  }
}
