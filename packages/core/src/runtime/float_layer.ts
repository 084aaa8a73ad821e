/**
 * The int8 runtime's fallback: a layer that runs in float on dequantized inputs. A layer that keeps its
 * input's range (reshapes, pooling) passes the input's quantizer on, so the next quantized layer can
 * requantize with that learned range.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { FusedMaxPoolAttrs } from '../kernel_names.js';
import { floatOf, floatValue, type Value } from './values.js';

export interface LayerRun {
  value: Value;
  /** What ran, for `summary()`: a kernel name, or how the layer was handled. */
  path: string;
  /** True when the layer also ran the max pool it was asked to fuse (`run`'s `fusedMaxPool`). */
  pooled?: boolean;
}

/** A max pool that a convolution may run inside its kernel (ClipqConv2DInt8's `fusedMaxPool`). */
export type FusedMaxPool = FusedMaxPoolAttrs;

export interface CompiledLayer {
  /** `fusedMaxPool`: also max pool the output, if the layer can (then `LayerRun.pooled` is true). */
  run(inputs: Value[], fusedMaxPool?: FusedMaxPool | null): LayerRun;
  dispose(): void;
}

/** Layers whose output stays inside their input's range, so a later layer can requantize with it. */
const KEEPS_RANGE = [
  'Flatten',
  'Reshape',
  'Dropout',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'MaxPooling2D',
];

/** A layer that runs in float on dequantized inputs. */
export function floatLayer(layer: tfl.layers.Layer): CompiledLayer {
  const keepsRange = KEEPS_RANGE.includes(layer.getClassName());
  return {
    run(inputs) {
      const tensor = floatOf(
        inputs,
        (floats) => layer.apply(floats.length === 1 ? floats[0]! : floats) as Tensor,
      );
      const quantizer = keepsRange && inputs.length === 1 ? inputs[0]!.quantizer : null;
      return { value: floatValue(tensor, quantizer), path: 'float (dequantized)' };
    },
    dispose() {},
  };
}
