/**
 * calibrate: initializes every range of a QAT model from real data before training (or instead of it:
 * that is post-training quantization, `quantizeModel`). Activation ranges come from range observers run
 * on the float activations; weight ranges from the weights themselves.
 */
import { type Tensor, tidy } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatLayer } from '../layers/qat_layer.js';
import { ema, minMax, mse, percentile, type RangeObserver } from '../range/observers.js';
import { splitBatches } from './batches.js';
import type { QatConfig } from './config.js';
import { prepareQat } from './prepare_qat.js';

export type CalibrationMethod = 'minmax' | 'ema' | 'percentile' | 'mse';

export interface CalibrateOptions {
  /** Default 'minmax'. */
  method?: CalibrationMethod;
  /** Examples per forward pass. Default 128. */
  batchSize?: number;
  /** For 'percentile'. Default 99.99. */
  percentile?: number;
  /** For 'ema'. Default 0.9. */
  momentum?: number;
}

const METHODS: readonly string[] = ['minmax', 'ema', 'percentile', 'mse'];

function observerFor(options: CalibrateOptions, bits: number): RangeObserver {
  switch (options.method ?? 'minmax') {
    case 'ema':
      return ema(options.momentum ?? 0.9);
    case 'percentile':
      return percentile(options.percentile ?? 99.99);
    case 'mse':
      return mse({ bits });
    default:
      return minMax();
  }
}

/** Sets every activation and weight range of `qatModel` from `inputs` (a tensor, or a list of batches). */
export function calibrate(
  qatModel: tfl.LayersModel,
  inputs: Tensor | Tensor[],
  options: CalibrateOptions = {},
): void {
  const method = options.method ?? 'minmax';
  if (!METHODS.includes(method)) {
    throw new Error(
      `calibrate: method must be one of ${METHODS.join(', ')}, got ${String(method)}`,
    );
  }
  const batches = splitBatches(qatModel, inputs, options.batchSize ?? 128, 'calibrate');
  const quantizers = qatModel.layers.filter(
    (l): l is FakeQuantize | QatLayer =>
      (l instanceof FakeQuantize && l.axis === null) || (l instanceof QatLayer && l.quantizeOutput),
  );
  for (const layer of quantizers) {
    layer.observer = observerFor(
      options,
      layer instanceof FakeQuantize ? layer.bits : layer.activationBits,
    );
  }
  try {
    for (const batch of batches) {
      tidy(() => {
        qatModel.predict(batch, { batchSize: batch.shape[0] });
      });
    }
    for (const layer of quantizers) {
      const { min, max } = layer.observer!.result();
      if (layer instanceof FakeQuantize) layer.setRange(min, max);
      else layer.setOutputRange(min[0]!, max[0]!);
    }
  } finally {
    for (const layer of quantizers) layer.observer = null;
    if (!Array.isArray(inputs)) for (const batch of batches) batch.dispose();
  }
  for (const layer of qatModel.layers) {
    if (layer instanceof QatLayer && layer.quantizeWeights) calibrateWeights(layer, method);
  }
}

/** Symmetric weight ranges: ±max|w|, or the MSE-optimal symmetric range for method 'mse'. */
function calibrateWeights(layer: QatLayer, method: string): void {
  layer.initWeightRange();
  if (method !== 'mse') return;
  const observer = mse({
    bits: layer.weightBits,
    narrowRange: true,
    symmetric: true,
    axis: layer.perChannel ? -1 : null,
  });
  tidy(() => observer.update(layer.channelKernel(layer.getKernelAndBias().kernel)));
  const { min, max } = observer.result();
  layer.setWeightRange(min, max);
}

export interface QuantizeModelOptions extends QatConfig, CalibrateOptions {}

/** Post-training quantization: prepareQat + calibrate, no training. Returns the calibrated fake-quant model. */
export function quantizeModel(
  model: tfl.LayersModel,
  inputs: Tensor | Tensor[],
  config: QuantizeModelOptions = {},
): tfl.LayersModel {
  const qat = prepareQat(model, config);
  calibrate(qat, inputs, config);
  return qat;
}
