import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { enforceRangeConstraints, FakeQuantize } from '../src/layers/index.js';
import { rng } from '../src/testing/index.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

/** y = 2·x0 − x1 + 0.5·x2 on inputs in [−2, 2], a hidden layer fake-quantized at 4 bits. */
function data(n: number, seed: number) {
  const r = rng(seed);
  const x = Float32Array.from({ length: n * 3 }, () => r() * 4 - 2);
  const y = Float32Array.from(
    { length: n },
    (_, i) => 2 * x[3 * i]! - x[3 * i + 1]! + 0.5 * x[3 * i + 2]!,
  );
  return { x: tf.tensor2d(x, [n, 3]), y: tf.tensor2d(y, [n, 1]) };
}

function buildModel(rangePenalty: number, initialRange: [number, number] = [-6, 6]) {
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      units: 8,
      inputShape: [3],
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
    }),
  );
  model.add(new FakeQuantize({ name: 'fq', bits: 4, initialRange, rangePenalty }));
  model.add(
    tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
  );
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  return model;
}

const fq = (model: tfl.LayersModel) => model.getLayer('fq') as FakeQuantize;

describe('training learns the range', () => {
  it('min and max move in model.fit, the constraint holds at every step, and the penalty narrows the range', async () => {
    const { x, y } = data(256, 3);
    const widths: Record<string, number> = {};
    for (const lambda of [0, 0.01]) {
      const model = buildModel(lambda);
      const start = fq(model).getRange();
      let steps = 0;
      await model.fit(x, y, {
        epochs: 12,
        batchSize: 32,
        shuffle: false,
        verbose: 0,
        callbacks: [
          enforceRangeConstraints(),
          new tfl.CustomCallback({
            onBatchEnd: async () => {
              const { min, max } = fq(model).getRange();
              steps++;
              expect(min[0]!).toBeLessThanOrEqual(0);
              expect(max[0]!).toBeGreaterThanOrEqual(0);
              expect(max[0]! - min[0]!).toBeGreaterThanOrEqual(fq(model).epsilon * 0.999);
            },
          }),
        ],
      });
      const end = fq(model).getRange();
      expect(steps).toBe(12 * 8);
      expect(end.min[0]).not.toBe(start.min[0]);
      expect(end.max[0]).not.toBe(start.max[0]);
      widths[lambda] = end.max[0]! - end.min[0]!;
    }
    expect(widths[0.01]).toBeLessThan(widths[0]!);
  });

  it('without the callback tfjs-layers lets the range leave the constraint; with it, never', async () => {
    // The hidden activations are mostly positive, and the range penalty pulls min up past 0.
    const { x, y } = data(256, 4);
    const lows: number[] = [];
    for (const withCallback of [false, true]) {
      const model = buildModel(0.5, [-0.1, 8]);
      let lowest = Number.POSITIVE_INFINITY;
      let highestMin = Number.NEGATIVE_INFINITY;
      await model.fit(x, y, {
        epochs: 6,
        batchSize: 32,
        verbose: 0,
        shuffle: false,
        callbacks: [
          ...(withCallback ? [enforceRangeConstraints()] : []),
          new tfl.CustomCallback({
            onBatchEnd: async () => {
              const { min } = fq(model).getRange();
              lowest = Math.min(lowest, min[0]!);
              highestMin = Math.max(highestMin, min[0]!);
            },
          }),
        ],
      });
      lows.push(highestMin);
      expect(lowest).toBeLessThan(0.5);
    }
    expect(lows[0]).toBeGreaterThan(0); // the stock fit loop broke min ≤ 0 …
    expect(lows[1]).toBeLessThanOrEqual(0); // … enforceRangeConstraints() kept it
  });

  it('a model with FakeQuantize saves and loads through tfjs-layers serialization, and training resumes', async () => {
    const { x, y } = data(128, 5);
    const model = buildModel(0.001);
    await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(JSON.stringify(artifacts!.modelTopology)).toContain('ClipqFakeQuantize');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.getLayer('fq')).toBeInstanceOf(FakeQuantize);
    expect(fq(loaded).getRange()).toEqual(fq(model).getRange());
    expect(fq(loaded).rangePenaltyLambda).toBe(0.001);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    loaded.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const before = fq(loaded).getRange();
    const history = await loaded.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
    const losses = history.history.loss as number[];
    expect(losses[2]!).toBeLessThan(losses[0]!);
    expect(fq(loaded).getRange().max[0]).not.toBe(before.max[0]);
  });

  it('per-channel FakeQuantize keeps one range per channel', () => {
    const layer = new FakeQuantize({ axis: -1, initialRange: [-1, 1] });
    const out = layer.apply(
      tf.tensor2d([
        [0.3, -2],
        [5, 0.1],
      ]),
    ) as tf.Tensor;
    expect(out.shape).toEqual([2, 2]);
    layer.setRange([-1, -4], [1, 4]);
    expect(layer.getRange()).toEqual({ min: Float32Array.of(-1, -4), max: Float32Array.of(1, 4) });
    expect(() => layer.setRange([1], [2])).toThrow(/setRange needs 2 min and max values/);
  });
});
