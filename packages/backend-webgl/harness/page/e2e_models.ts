/**
 * The two end-to-end models of issue 7, from the shared definition in bench/models.mjs, built with the
 * page bundle's own tfjs-layers (bench/e2e.mjs builds the same models in Node).
 */
import { calibrate, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { e2eModels } from '../../../../bench/models.mjs';

export const { demoCnn, mobileNetV1, resetSeed } = e2eModels(tfl);

/**
 * The float model `name` ('demo' or MobileNet), its QAT copy calibrated on 2 random images, and its
 * input shape, built on 'cpu' (on SwiftShader the calibration pass would spend seconds compiling
 * shaders); the development pages convert it on whichever backend they measure.
 */
export async function calibratedModel(name: string) {
  await tf.setBackend('cpu');
  resetSeed();
  const [build, shape] =
    name === 'demo' ? [demoCnn, [28, 28, 1]] : [() => mobileNetV1(0.5, 128), [128, 128, 3]];
  const float = (build as () => tfl.LayersModel)();
  const calibration = tf.randomUniform([2, ...shape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  calibrate(qat, calibration, { method: 'minmax', batchSize: 2 });
  calibration.dispose();
  return { float, qat, shape };
}
