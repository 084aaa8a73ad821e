import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
// The bench's e2e models (one definition for every runner).
import { e2eModels } from '../../../bench/models.mjs';
import {
  ClipqConv2DInt8,
  HostWeightCache,
  packedWeightBytes,
  registerPackedWeightCache,
} from '../src/index.js';
import {
  calibrate,
  convertToInt8,
  loadQuantized,
  prepareQat,
  saveQuantized,
} from '../src/layers/index.js';
import type { QatLayer } from '../src/layers/qat_layer.js';
import type { QuantizedModel } from '../src/model/quantized_model.js';
import { residencyCase } from '../src/testing/index.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

/** conv 3×3 → depthwise 3×3 → conv 1×1 → flatten → dense: every int8 kernel, at a few thousand weights. */
async function converted(): Promise<{ model: QuantizedModel; x: tf.Tensor }> {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const float = tfl.sequential();
  float.add(
    tfl.layers.conv2d({
      inputShape: [8, 8, 4],
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(1),
    }),
  );
  float.add(
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu6',
      depthwiseInitializer: init(2),
    }),
  );
  float.add(
    tfl.layers.conv2d({
      filters: 24,
      kernelSize: 1,
      activation: 'relu',
      kernelInitializer: init(3),
    }),
  );
  float.add(tfl.layers.flatten());
  float.add(tfl.layers.dense({ units: 10, kernelInitializer: init(4) }));
  const x = tf.randomUniform([6, 8, 8, 4], -1, 1, 'float32', 5);
  const qat = prepareQat(float);
  await calibrate(qat, x, { method: 'minmax' });
  const model = convertToInt8(qat);
  qat.dispose();
  float.dispose();
  return { model, x };
}

const values = (t: tf.Tensor) => {
  const v = t.dataSync().slice();
  t.dispose();
  return v;
};

function kernelCodes(model: QuantizedModel): number {
  let n = 0;
  for (const w of model.layers.values()) n += w.kernel.size;
  return n;
}

describe('QuantizedModel.pack (pinned weights)', () => {
  it('returns 0 and changes nothing when the backend has no cache that can pin', async () => {
    // Runs before any cache is registered in this process.
    const { model, x } = await converted();
    expect(model.pack()).toBe(0);
    expect(model.packedFor).toBeNull();
    for (const w of model.layers.values()) expect(w.kernel.isPacked).toBe(false);
    expect(values(model.predict(x)).length).toBe(60);
    model.dispose();
    x.dispose();
  });

  it('falls back to unpacked codes on a backend that cannot pin, after predicting packed', async () => {
    registerPackedWeightCache(new HostWeightCache('cpu')); // wasm gets no cache until the next test
    const { model, x } = await converted();
    const expected = values(model.predict(x));
    expect(model.pack()).toBe(4);
    expect(values(model.predict(x))).toEqual(expected);
    await useBackend('wasm');
    try {
      const onWasm = tf.tensor(x.dataSync(), x.shape);
      tf.env().set('IS_TEST', false); // moves cpu data inside kernels; see the backend-switch test
      expect(values(model.predict(onWasm))).toEqual(expected);
      tf.env().set('IS_TEST', true);
      expect(model.packedFor).toBeNull();
      expect(values(model.predict(onWasm))).toEqual(expected);
      onWasm.dispose();
    } finally {
      tf.env().set('IS_TEST', true);
      await useBackend('cpu');
    }
    model.dispose();
    expect(packedWeightBytes().cpu).toBe(0);
    x.dispose();
  });

  it('frees the int32 codes and the float kernels, and predicts the same bits', async () => {
    registerPackedWeightCache(new HostWeightCache('wasm'));
    const { model, x } = await converted();
    const int8 = values(model.predict(x));
    const dequantized = values(model.predictDequantized(x));
    const codes = kernelCodes(model);
    const bytesBefore = tf.memory().numBytes;
    expect(model.pack()).toBe(4);
    expect(model.packedFor).toBe('cpu');
    // The int32 codes (4 B) and the deploy graph's float kernels (4 B) are gone; the cache holds 1 B.
    expect(bytesBefore - tf.memory().numBytes).toBeGreaterThanOrEqual(8 * codes);
    expect(packedWeightBytes().cpu).toBe(codes);
    expect(values(model.predict(x))).toEqual(int8);
    expect(values(model.predictDequantized(x))).toEqual(dequantized);
    for (const w of model.layers.values()) expect(w.kernel.isPacked).toBe(true);
    model.dispose();
    expect(packedWeightBytes().cpu).toBe(0);
    x.dispose();
  });

  it('moves the weights when the backend changes, and leaks nothing over 100 predicts', async () => {
    const { model, x } = await converted();
    const expected = values(model.predict(x));
    model.pack();
    await useBackend('wasm');
    try {
      const onWasm = tf.tensor(x.dataSync(), x.shape);
      // The first predict moves the biases from cpu to wasm inside the kernels, which tfjs's IS_TEST
      // check counts as a kernel leaking data ids; the tensor count below is the real leak check.
      tf.env().set('IS_TEST', false);
      expect(values(model.predict(onWasm))).toEqual(expected);
      tf.env().set('IS_TEST', true);
      expect(model.packedFor).toBe('wasm');
      expect(packedWeightBytes().cpu).toBe(0);
      expect(packedWeightBytes().wasm).toBe(kernelCodes(model));
      const tensors = tf.memory().numTensors;
      for (let i = 0; i < 100; i++) model.predict(onWasm).dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      onWasm.dispose();
    } finally {
      await useBackend('cpu');
    }
    model.dispose();
    x.dispose();
  });

  it('still saves, unpacks codes on demand, and keeps the packed kernels read-only', async () => {
    const { model, x } = await converted();
    const expected = values(model.predict(x));
    const layerName = [...model.layers.keys()][0]!;
    const original = model.layers.get(layerName)!.kernel.codes.dataSync().slice();
    model.pack();
    let saved: tf.io.ModelArtifacts | null = null;
    await saveQuantized(
      model,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    // Saving unpacked into a temporary tensor: the model is still packed.
    expect(model.layers.get(layerName)!.kernel.isPacked).toBe(true);
    const loaded = await loadQuantized(tf.io.fromMemory(saved!), { pack: true });
    expect(loaded.packedFor).toBe('cpu');
    expect(values(loaded.predict(x))).toEqual(expected);
    loaded.dispose();

    const deployLayer = model.model.getLayer(layerName) as QatLayer;
    expect(() => deployLayer.setWeights(deployLayer.getWeights())).toThrow(/read-only/);
    tf.tidy(() => {
      expect(deployLayer.getWeights()[0]!.shape).toEqual([3, 3, 4, 16]);
    });
    // Reading the codes unpacks them (and keeps them); the pinned copy stays in use.
    const kernel = model.layers.get(layerName)!.kernel;
    expect(kernel.codes.dataSync()).toEqual(original);
    expect(kernel.pinnedFor(ClipqConv2DInt8)).not.toBeNull();
    expect(values(model.predict(x))).toEqual(expected);
    model.dispose();
    x.dispose();
  });
});

describe('weight residency (HostWeightCache, reference kernels)', () => {
  const { mobileNetV1 } = e2eModels(tfl);
  // MobileNet-v1 0.5 has the parameter count of the bench model at any input size; 32×32 keeps it fast.
  // The reference kernels unpack every weight on every call, so core checks leaks over 5 predicts (the
  // backend packages, with their own kernels, run the full 100).
  const c = residencyCase(
    'cpu',
    'MobileNet-v1 0.5 at 32×32',
    () => mobileNetV1(0.5, 32),
    [32, 32, 3],
    1.1,
  );
  it(c.name, c.run, 120_000);
});
