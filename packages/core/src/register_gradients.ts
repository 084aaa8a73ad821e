/** Registers clipq's gradients with tfjs (idempotent: tfjs keeps one config per kernel name). */
import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { clipqFakeQuantGradConfig } from './gradients/ClipqFakeQuant_grad.js';

for (const config of [clipqFakeQuantGradConfig]) {
  if (getGradient(config.kernelName) == null) registerGradient(config);
}
