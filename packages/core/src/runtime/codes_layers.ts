/**
 * Layers that transform int8 codes without dequantizing them: Flatten/Reshape, Dropout, ZeroPadding2D
 * (padding with the zero-point code, the real value 0) and MaxPooling2D (dequantization is monotonic,
 * so pooling codes equals pooling values). On a float input they fall back to the float layer.
 */
import { cast, getBackend, maxPool, pad, reshape, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { type CompiledLayer, floatLayer } from './float_layer.js';

/** Backends whose MaxPool takes int32 directly (cpu, webgl) skip two casts; tfjs-wasm's needs float32. */
const int32MaxPool = new Map<string, boolean>();

function maxPoolCodes(
  codes: Tensor,
  poolSize: [number, number],
  strides: [number, number],
  padding: 'same' | 'valid',
): Tensor {
  const backend = getBackend();
  if (int32MaxPool.get(backend) !== false) {
    try {
      const out = maxPool(codes as never, poolSize, strides, padding);
      int32MaxPool.set(backend, true);
      return out;
    } catch {
      int32MaxPool.set(backend, false);
    }
  }
  return cast(maxPool(cast(codes, 'float32') as never, poolSize, strides, padding), 'int32');
}

/** Layers that transform codes without dequantizing them (falls back to float on a float input). */
export function codesLayer(layer: tfl.layers.Layer, outputShape: number[]): CompiledLayer | null {
  const className = layer.getClassName();
  const config = layer.getConfig() as Record<string, unknown>;
  let transform: ((codes: QuantizedTensor) => Tensor) | null = null;
  let path = '';
  if (className === 'Flatten' || className === 'Reshape') {
    transform = (c) => reshape(c.codes, [c.shape[0]!, ...outputShape.slice(1)]);
    path = 'reshape codes';
  } else if (className === 'Dropout') {
    transform = (c) => c.codes.clone();
    path = 'identity on codes';
  } else if (className === 'ZeroPadding2D') {
    const [[top, bottom], [left, right]] = config.padding as [[number, number], [number, number]];
    transform = (c) =>
      pad(
        c.codes,
        [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        c.zeroPoint[0]!,
      );
    path = 'zero-point padding on codes';
  } else if (className === 'MaxPooling2D') {
    const { poolSize, strides, padding } = config as {
      poolSize: [number, number];
      strides: [number, number];
      padding: 'same' | 'valid';
    };
    transform = (c) => maxPoolCodes(c.codes, poolSize, strides, padding);
    path = 'max pool on codes';
  }
  if (!transform) return null;
  const fallback = floatLayer(layer);
  return {
    run(inputs) {
      const input = inputs[0]!;
      if (input.kind !== 'codes') return fallback.run(inputs);
      const data = tidy(() => transform(input.codes));
      // Same range as the input: the output borrows the input quantizer's parameter tensors.
      const codes = input.quantizer.wrap(data);
      return { value: { kind: 'codes', codes, quantizer: input.quantizer }, path };
    },
    dispose() {},
  };
}
