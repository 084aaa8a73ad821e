/**
 * Activations of the int8 runtime borrow their quantizer's scale/zero-point tensors: made once when the
 * runtime is built, shared by every predict, never disposed by an activation, freed with the runtime.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { QuantizedTensor } from '../src/int8/quantized_tensor.js';
import { calibrate, convertToInt8, prepareQat } from '../src/layers/index.js';
import { dequantize } from '../src/ops/dequantize.js';
import { quantize } from '../src/ops/quantize.js';
import { Int8Runtime } from '../src/runtime/int8_runtime.js';
import { Quantizer } from '../src/runtime/quantizer.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

const spec = {
  scale: Float32Array.of(0.5),
  zeroPoint: Int32Array.of(-3),
  axis: null,
  bits: 8,
  narrowRange: false,
};

describe('QuantizedTensor with borrowed parameter tensors', () => {
  it('returns the borrowed pair from paramTensors() and leaves it alive after dispose()', () => {
    const params = { scale: tf.tensor1d([0.5]), zeroPoint: tf.tensor1d([-3], 'int32') };
    const q = new QuantizedTensor(tf.tensor2d([[1, 2]], [1, 2], 'int32'), spec, { params });
    expect(q.paramTensors()).toBe(params);
    const view = q.reshaped([2, 1]);
    expect(view.paramTensors()).toBe(params);
    q.withCodes((same) => expect(same.paramTensors()).toBe(params));
    view.dispose();
    q.dispose();
    expect(params.scale.isDisposed || params.zeroPoint.isDisposed).toBe(false);
    params.scale.dispose();
    params.zeroPoint.dispose();
  });

  it('hides the borrowed pair from tf.dispose, works through a Proxy, and names a disposed owner', () => {
    const params = { scale: tf.tensor1d([0.5]), zeroPoint: tf.tensor1d([-3], 'int32') };
    const q = new QuantizedTensor(tf.tensor2d([[1, 2]], [1, 2], 'int32'), spec, { params });
    // A Proxy (as reactive state libraries make) still reaches the pair.
    const proxied = new Proxy(q, {});
    expect(proxied.paramTensors()).toBe(params);
    tf.dispose(q as unknown as tf.Tensor);
    expect(params.scale.isDisposed || params.zeroPoint.isDisposed).toBe(false);
    const again = new QuantizedTensor(tf.tensor1d([1], 'int32'), spec, { params });
    params.scale.dispose();
    expect(() => again.paramTensors()).toThrow(/disposed by their owner/);
    again.dispose();
    params.zeroPoint.dispose();
  });

  it('makes and frees a pair of its own without borrowed params', () => {
    const q = new QuantizedTensor(tf.tensor1d([1, 2], 'int32'), spec);
    const own = q.paramTensors();
    expect(q.paramTensors()).toBe(own);
    q.dispose();
    expect(own.scale.isDisposed && own.zeroPoint.isDisposed).toBe(true);
  });

  it('rejects a borrowed pair whose dtype or length does not match the spec', () => {
    const codes = tf.tensor1d([1], 'int32');
    const scale = tf.tensor1d([0.5, 0.25]);
    const zeroPoint = tf.tensor1d([0], 'int32');
    expect(() => new QuantizedTensor(codes, spec, { params: { scale, zeroPoint } })).toThrow(
      /borrowed params must be float32 \[1\] and int32 \[1\]/,
    );
    expect(
      () => new QuantizedTensor(codes, spec, { params: { scale: zeroPoint, zeroPoint } }),
    ).toThrow(/borrowed params/);
    tf.dispose([codes, scale, zeroPoint]);
  });
});

describe('Quantizer', () => {
  it('lends one scale/zero-point pair to every activation and frees it on dispose()', () => {
    const quantizer = new Quantizer({ min: -1, max: 2, bits: 8 });
    const x = tf.tensor2d([
      [-1, 0.3, 2, 5],
      [0, -0.7, 1.25, -4],
    ]);
    const a = quantizer.apply(x);
    const b = quantizer.wrap(a.codes.clone());
    const params = a.paramTensors();
    expect(b.paramTensors()).toBe(params);
    // Bit-identical to the quantize op with the same range, which owns its own params.
    const reference = quantize(x, -1, 2, { bits: 8 });
    expect(Array.from(a.codes.dataSync())).toEqual(Array.from(reference.codes.dataSync()));
    const [ours, theirs] = [dequantize(a), dequantize(reference)];
    expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()));
    // tf.dispose walks the QuantizedTensors' fields: it frees their codes, not the borrowed pair.
    tf.dispose([a, b, reference, ours, theirs, x] as unknown as tf.Tensor[]);
    expect(params.scale.isDisposed || params.zeroPoint.isDisposed).toBe(false);
    quantizer.dispose();
    expect(params.scale.isDisposed && params.zeroPoint.isDisposed).toBe(true);
  });
});

describe('Int8Runtime parameter tensors', () => {
  const original = QuantizedTensor.prototype.paramTensors;
  afterEach(() => {
    QuantizedTensor.prototype.paramTensors = original;
  });

  async function convertedModel() {
    const model = tfl.sequential();
    model.add(
      tfl.layers.conv2d({
        inputShape: [8, 8, 2],
        filters: 3,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
      }),
    );
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.flatten());
    model.add(
      tfl.layers.dense({
        units: 4,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }),
      }),
    );
    const x = tf.randomUniform([6, 8, 8, 2], -1, 1, 'float32', 9);
    const qat = prepareQat(model);
    await calibrate(qat, x, { method: 'minmax' });
    const converted = convertToInt8(qat);
    qat.dispose();
    model.dispose();
    return { converted, x };
  }

  it('reuses the same scale/zero-point tensors on every predict and frees them with the runtime', async () => {
    const { converted, x } = await convertedModel();
    const before = tf.memory().numTensors;
    const runtime = new Int8Runtime(converted.model, converted.layers);
    const used: Array<{ scale: tf.Tensor; zeroPoint: tf.Tensor }> = [];
    QuantizedTensor.prototype.paramTensors = function (this: QuantizedTensor) {
      const params = original.call(this);
      used.push(params);
      return params;
    };
    const outputs = [0, 1, 2].map(() => runtime.predict(x) as tf.Tensor);
    // The output layer's codes are dequantized once per predict, always with the same tensors.
    expect(used.length).toBeGreaterThanOrEqual(3);
    expect(new Set(used.map((p) => p.scale)).size).toBe(1);
    expect(new Set(used.map((p) => p.zeroPoint)).size).toBe(1);
    expect(used[0]!.scale.isDisposed).toBe(false);
    expect(Array.from(outputs[2]!.dataSync())).toEqual(Array.from(outputs[0]!.dataSync()));
    tf.dispose(outputs);
    runtime.dispose();
    expect(used[0]!.scale.isDisposed && used[0]!.zeroPoint.isDisposed).toBe(true);
    // Everything the runtime made is freed with it (weights stay with the converted model).
    expect(tf.memory().numTensors).toBe(before);
    converted.dispose();
    x.dispose();
  });
});
