/**
 * A converted model packed on cpu (`QuantizedModel.pack()`, `loadQuantized({ pack: true })`) runs on
 * this package's kernels from pinned weights: the same bits as before packing, every int8 layer pinned
 * (the direct small-patch conv, the im2col and pointwise GEMMs, depthwise, dense), about one byte per
 * parameter in the cache, no tensor leaked over repeated predicts, and nothing left after dispose.
 */
import { ClipqDepthwiseConv2DInt8 } from '@clipq/core';
import {
  calibrate,
  convertToInt8,
  loadQuantized,
  prepareQat,
  type QuantizedModel,
  saveQuantized,
} from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { packedWeightCache } from '../src/base.js';
import './setup.js';

/** conv 3×3 on 1 channel (direct) → conv 3×3 (im2col) → depthwise → conv 1×1 → flatten → dense. */
async function converted(): Promise<{ model: QuantizedModel; x: tf.Tensor }> {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  const float = tfl.sequential();
  const conv = { kernelSize: 3, padding: 'same', activation: 'relu' } as const;
  float.add(
    tfl.layers.conv2d({ inputShape: [12, 12, 1], filters: 8, ...conv, kernelInitializer: init(1) }),
  );
  float.add(tfl.layers.conv2d({ filters: 12, ...conv, kernelInitializer: init(2) }));
  float.add(
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu6',
      depthwiseInitializer: init(3),
    }),
  );
  float.add(
    tfl.layers.conv2d({
      filters: 20,
      kernelSize: 1,
      activation: 'relu',
      kernelInitializer: init(4),
    }),
  );
  float.add(tfl.layers.flatten());
  float.add(tfl.layers.dense({ units: 10, kernelInitializer: init(5) }));
  const x = tf.randomUniform([5, 12, 12, 1], 0, 1, 'float32', 6);
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

/** What the cpu cache holds per pinned layer: one byte per code, an int32 sum per GEMM column. */
function expectedPinnedBytes(model: QuantizedModel): number {
  let total = 0;
  for (const w of model.layers.values()) {
    const depthwise = w.kernel.pinned?.kernelName === ClipqDepthwiseConv2DInt8;
    total += w.kernel.size + (depthwise ? 0 : 4 * w.kernel.shape.at(-1)!);
  }
  return total;
}

describe('a converted model packed on cpu', () => {
  it('predicts the same bits from pinned weights, at ~1 byte per parameter, and leaks nothing', async () => {
    const { model, x } = await converted();
    const expected = values(model.predict(x));
    const before = packedWeightCache.bytes();
    expect(model.pack()).toBe(5);
    for (const w of model.layers.values()) expect(w.kernel.isPacked).toBe(true);
    const pinned = expectedPinnedBytes(model);
    expect(packedWeightCache.bytes()).toBeLessThanOrEqual(before + pinned);
    expect(values(model.predict(x))).toEqual(expected);
    // Unpinned packed copies of the old codes are gone; the pinned ones are the only copy.
    expect(packedWeightCache.bytes()).toBe(pinned);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) model.predict(x).dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    model.dispose();
    expect(packedWeightCache.bytes()).toBe(0);
    x.dispose();
  });

  it('saves while packed and loads back packed with the same predictions', async () => {
    const { model, x } = await converted();
    const expected = values(model.predict(x));
    model.pack();
    let saved: tf.io.ModelArtifacts | null = null;
    await saveQuantized(
      model,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
    const loaded = await loadQuantized(tf.io.fromMemory(saved!), { pack: true });
    for (const w of loaded.layers.values()) expect(w.kernel.isPacked).toBe(true);
    expect(values(loaded.predict(x))).toEqual(expected);
    expect(packedWeightCache.bytes()).toBe(expectedPinnedBytes(loaded));
    loaded.dispose();
    expect(packedWeightCache.bytes()).toBe(0);
    x.dispose();
  });
});
