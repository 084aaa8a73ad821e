import type * as tfl from '@tensorflow/tfjs-layers';

export interface E2eModels {
  /** Restarts the weight seeds, so a model built again gets the same weights. */
  resetSeed(): void;
  demoCnn(): tfl.LayersModel;
  mobileNetV1(alpha?: number, size?: number, classes?: number): tfl.LayersModel;
}

export function e2eModels(layers: typeof tfl): E2eModels;
