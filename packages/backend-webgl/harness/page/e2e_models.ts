/**
 * The two end-to-end models of issue 7, from the shared definition in bench/models.mjs, built with the
 * page bundle's own tfjs-layers (bench/e2e.mjs builds the same models in Node).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { e2eModels } from '../../../../bench/models.mjs';

export const { demoCnn, mobileNetV1, resetSeed } = e2eModels(tfl);
