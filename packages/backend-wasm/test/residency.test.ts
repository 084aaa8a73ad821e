import { residencyCase } from '@clipq/core/testing';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, it } from 'vitest';
// The bench's e2e models (one definition for every runner).
import { e2eModels } from '../../../bench/models.mjs';
import './setup.js';

// Issue 7 allows wasm 2.1 bytes per parameter (panels plus a copy); pinned weights need one copy only,
// so the budgets here are what the panels cost: MobileNet-v1 0.5 measured 1.054 (biases and runtime
// constants included), the demo CNN 1.19 (its 10-unit dense layer is padded to 12 columns).
const { mobileNetV1, demoCnn } = e2eModels(tfl);
describe('weight residency on wasm (pinned weights, this package cache)', () => {
  for (const c of [
    // MobileNet-v1 0.5 has the bench model's parameter count at any input size; 32×32 keeps it fast.
    residencyCase(
      'wasm',
      'MobileNet-v1 0.5 at 32×32',
      () => mobileNetV1(0.5, 32),
      [32, 32, 3],
      1.1,
    ),
    residencyCase('wasm', 'demo CNN', demoCnn, [28, 28, 1], 1.25),
  ])
    it(c.name, c.run, 120_000);
});
