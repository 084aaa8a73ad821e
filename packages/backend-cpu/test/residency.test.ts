/**
 * Issue 7's memory criterion on this package's kernels: a model loaded with `{ pack: true }` holds its
 * weights at ≤ 1.1 bytes per parameter on cpu (tf.memory growth plus the packed-weight cache: pinned
 * codes, column sums, biases and per-channel scales), with no tensor leaked over 100 predicts.
 */
import { residencyCase } from '@clipq/core/testing';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, it } from 'vitest';
import { e2eModels } from '../../../bench/models.mjs';
import './setup.js';

const { demoCnn, mobileNetV1 } = e2eModels(tfl);

describe('weight residency on cpu (@clipq/backend-cpu cache and kernels)', () => {
  // MobileNet-v1 0.5 has the bench model's parameter count at any input size; 32×32 keeps it fast.
  for (const c of [
    residencyCase('cpu', 'MobileNet-v1 0.5 at 32×32', () => mobileNetV1(0.5, 32), [32, 32, 3], 1.1),
    residencyCase('cpu', 'the demo CNN', demoCnn, [28, 28, 1], 1.1),
  ])
    it(c.name, c.run, 120_000);
});
