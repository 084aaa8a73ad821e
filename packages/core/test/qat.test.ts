import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  calibrate,
  enforceRangeConstraints,
  FakeQuantize,
  learnedRanges,
  meanRangeWidth,
  meanRangeWidthChange,
  prepareQat,
  QatConv2D,
  QatDense,
  type QatLayer,
  qatOptimizer,
  quantizeModel,
} from '../src/layers/index.js';
import { argmax, images, smallCnn } from './qat_helpers.js';
import { useBackend } from './setup.js';

beforeAll(() => useBackend('cpu'));

const qatLayer = (model: tfl.LayersModel, name: string) => model.getLayer(name) as QatLayer;

describe('prepareQat', () => {
  it('wraps conv/dense, folds BatchNormalization, fuses ReLU/ReLU6 and copies weightless layers', () => {
    const qat = prepareQat(smallCnn());
    expect(qat.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'ClipqFakeQuantize',
      'ClipqQatConv2D',
      'MaxPooling2D',
      'ClipqQatConv2D',
      'Flatten',
      'Dropout',
      'ClipqQatDense',
    ]);
    expect(qatLayer(qat, 'conv1').activation).toBe('relu');
    expect(qatLayer(qat, 'conv2').activation).toBe('relu6');
    expect(qatLayer(qat, 'conv1').getWeightRange()!.min.length).toBe(4);
    expect(qatLayer(qat, 'logits').getOutputRange()!.min.length).toBe(1);
    const rangeWeights = qat.trainableWeights.filter((w) => w.name.endsWith('range'));
    expect(rangeWeights.map((w) => w.shape)).toEqual([[2], [2, 4], [2], [2, 6], [2], [2, 3], [2]]);
  });

  it('at 16 bits the QAT model computes what the float model does (folding is exact up to rounding)', () => {
    const model = smallCnn();
    const x = images(16, 2);
    const qat = quantizeModel(model, x, { weightBits: 16, activationBits: 16 });
    const expected = (model.predict(x) as tf.Tensor).dataSync();
    const actual = (qat.predict(x) as tf.Tensor).dataSync();
    const scale = Math.max(...Array.from(expected, Math.abs));
    for (let i = 0; i < expected.length; i++)
      expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(2e-3 * scale);
  });

  it('weights are fake-quantized symmetric per channel: 3 bits give at most 7 values per output channel, ±m included', () => {
    const qat = prepareQat(smallCnn(), { weightBits: 3 });
    const layer = qatLayer(qat, 'conv2');
    const kernel = layer.quantizedKernel();
    const [kh, kw, cin, cout] = kernel.shape as number[];
    const values = kernel.dataSync();
    for (let c = 0; c < cout!; c++) {
      const distinct = new Set<number>();
      for (let i = c; i < kh! * kw! * cin! * cout!; i += cout!) distinct.add(values[i]!);
      expect(distinct.size).toBeLessThanOrEqual(7);
      const { min, max } = layer.getWeightRange()!;
      const m = Math.max(-min[c]!, max[c]!);
      expect(Math.max(...distinct)).toBeCloseTo(m, 5);
    }
  });

  it('an unsupported layer with weights is a clear Error naming it, unless it is skipped', () => {
    const input = tfl.input({ shape: [4] });
    const hidden = tfl.layers
      .dense({ name: 'hidden', units: 4 })
      .apply(input) as tfl.SymbolicTensor;
    const prelu = tfl.layers.prelu({ name: 'my_prelu' }).apply(hidden) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2 }).apply(prelu) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    expect(() => prepareQat(model)).toThrow(
      /layer 'my_prelu' \(PReLU\) has weights .* stay float only if you list it in config\.skip/,
    );
    const qat = prepareQat(model, { skip: ['my_prelu'] });
    expect(qat.getLayer('my_prelu').getClassName()).toBe('PReLU');
    expect(Array.from(qat.getLayer('my_prelu').getWeights()[0]!.dataSync())).toEqual(
      Array.from(model.getLayer('my_prelu').getWeights()[0]!.dataSync()),
    );
    expect(() => prepareQat(model, { skip: ['nope'] })).toThrow(/skip lists layer 'nope'/);
  });

  it('a BatchNormalization that does not directly follow a conv/dense is unsupported unless skipped; skipped convs stay float', () => {
    const model = tfl.sequential();
    model.add(tfl.layers.conv2d({ name: 'c', inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }));
    model.add(tfl.layers.maxPooling2d({ name: 'p', poolSize: 2 }));
    model.add(tfl.layers.batchNormalization({ name: 'late_bn' }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ name: 'd', units: 2, activation: 'relu6' }));
    expect(() => prepareQat(model)).toThrow(/layer 'late_bn' \(BatchNormalization\) has weights/);
    const qat = prepareQat(model, { skip: ['late_bn', 'c'] });
    expect(qat.getLayer('c').getClassName()).toBe('Conv2D');
    expect(qat.getLayer('late_bn').getClassName()).toBe('BatchNormalization');
    expect(qatLayer(qat, 'd').activation).toBe('relu6');
    const x = tf.randomUniform([4, 6, 6, 1], 0, 1, 'float32', 2);
    calibrate(qat, x);
    expect((qat.predict(x) as tf.Tensor).shape).toEqual([4, 2]);
  });

  it('handles functional models with Add and keeps a skipped Dense in float', () => {
    const input = tfl.input({ shape: [6], name: 'features' });
    const a = tfl.layers
      .dense({ name: 'a', units: 6, activation: 'relu' })
      .apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ name: 'b', units: 6 }).apply(a) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([input, b]) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ name: 'out', units: 2 }).apply(sum) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const qat = prepareQat(model, { skip: ['out'] });
    expect(qat.getLayer('a')).toBeInstanceOf(QatDense);
    expect(qat.getLayer('out').getClassName()).toBe('Dense');
    expect(qat.getLayer('sum').getClassName()).toBe('Add');
    const x = tf.randomUniform([5, 6], -1, 1, 'float32', 3);
    calibrate(qat, x);
    const diff = tf
      .max(tf.abs(tf.sub(qat.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor)))
      .dataSync()[0]!;
    expect(diff).toBeLessThan(0.1);
  });
});

describe('calibrate', () => {
  it('gives clear Errors naming the input layer for an empty dataset or a wrong input shape', () => {
    const qat = prepareQat(smallCnn());
    const input = qat.inputs[0]!.sourceLayer.name;
    expect(() => calibrate(qat, [])).toThrow(
      new RegExp(`dataset is empty; input layer '${input}'`),
    );
    expect(() => calibrate(qat, tf.zeros([0, 8, 8, 1]))).toThrow(/dataset is empty/);
    expect(() => calibrate(qat, tf.zeros([2, 8, 9, 1]))).toThrow(
      new RegExp(`input layer '${input}' expects shape \\[batch,8,8,1\\], got \\[2,8,9,1\\]`),
    );
    expect(() => calibrate(qat, images(2, 1), { method: 'median' as never })).toThrow(
      /method must be one of/,
    );
  });

  for (const method of ['minmax', 'ema', 'percentile', 'mse'] as const) {
    it(`${method}: every range holds 0, and the relu layers' ranges start at 0`, () => {
      const qat = prepareQat(smallCnn());
      calibrate(qat, images(24, 4), { method, batchSize: 8 });
      const ranges = learnedRanges(qat);
      for (const r of ranges) {
        for (let c = 0; c < r.min.length; c++) {
          expect(r.min[c]!).toBeLessThanOrEqual(0);
          expect(r.max[c]!).toBeGreaterThan(0);
        }
      }
      expect(qatLayer(qat, 'conv1').getOutputRange()!.min[0]).toBe(0);
      expect(qat.layers[1]).toBeInstanceOf(FakeQuantize);
    });
  }

  it('minmax activation ranges are the observed extremes of the float activations', () => {
    const qat = prepareQat(smallCnn());
    const x = images(16, 5);
    calibrate(qat, x, { method: 'minmax' });
    const inputRange = (qat.layers[1] as FakeQuantize).getRange();
    expect(inputRange.min[0]).toBe(0);
    expect(inputRange.max[0]).toBeCloseTo(tf.max(x).dataSync()[0]!, 6);
  });
});

describe('QAT training', () => {
  it('fit learns ranges (constraint holds) and the model saves, loads and keeps training', async () => {
    const model = smallCnn(3);
    const x = images(32, 6);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 32 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const qat = quantizeModel(model, x, { rangePenalty: 1e-4 });
    const before = learnedRanges(qat);
    qat.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await qat.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      shuffle: false,
      verbose: 0,
      callbacks: [enforceRangeConstraints()],
    });
    const after = learnedRanges(qat);
    const change = meanRangeWidthChange(before, after);
    expect(change.activation).toBeGreaterThan(0);
    expect(change.weight).toBeGreaterThan(0);
    for (const r of after)
      for (let c = 0; c < r.min.length; c++) expect(r.min[c]!).toBeLessThanOrEqual(0);
    expect(meanRangeWidth(after).activation).toBeGreaterThan(0);

    let artifacts: tf.io.ModelArtifacts | null = null;
    await qat.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(loaded.getLayer('conv1')).toBeInstanceOf(QatConv2D);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((qat.predict(x) as tf.Tensor).dataSync()),
    );
    loaded.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const history = await loaded.fit(x, y, { epochs: 2, batchSize: 8, shuffle: false, verbose: 0 });
    expect(Number.isFinite(history.history.loss![1] as number)).toBe(true);
    expect(argmax(loaded.predict(x) as tf.Tensor).length).toBe(32);
  });
});

describe('qatOptimizer', () => {
  it('steps range weights with rangeLearningRate and every other weight with learningRate (Adam: first step ≈ lr)', async () => {
    const x = images(16, 9);
    const y = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const qat = quantizeModel(smallCnn(6), x);
    const layer = qatLayer(qat, 'logits');
    const kernelBefore = layer.getKernelAndBias().kernel.dataSync().slice();
    const rangeBefore = layer.getOutputRange()!;
    qat.compile({
      optimizer: qatOptimizer({ learningRate: 1e-5, rangeLearningRate: 1e-2 }),
      loss: 'meanSquaredError',
    });
    await qat.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
    const kernelAfter = layer.getKernelAndBias().kernel.dataSync();
    const kernelStep = Math.max(
      ...Array.from(kernelAfter, (v, i) => Math.abs(v - kernelBefore[i]!)),
    );
    const rangeAfter = layer.getOutputRange()!;
    const rangeStep = Math.max(
      Math.abs(rangeAfter.min[0]! - rangeBefore.min[0]!),
      Math.abs(rangeAfter.max[0]! - rangeBefore.max[0]!),
    );
    expect(kernelStep).toBeGreaterThan(0);
    expect(kernelStep).toBeLessThan(1.1e-5);
    expect(rangeStep).toBeGreaterThan(0.9e-2);
    expect(rangeStep).toBeLessThan(1.1e-2);
    expect(() => qatOptimizer({ rangeLearningRate: -1 })).toThrow(
      /rangeLearningRate must be a positive number/,
    );
  });
});
