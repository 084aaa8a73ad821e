/**
 * The two end-to-end models of issue 7, as bench/e2e.mjs defines them (copied: that file imports
 * core's Node build, which cannot share one tfjs instance with the page bundle). Seeded weights.
 */
import * as tfl from '@tensorflow/tfjs-layers';

let seed = 1;
const init = () => tfl.initializers.glorotUniform({ seed: seed++ });

export function resetSeed(): void {
  seed = 1;
}

export function demoCnn(): tfl.LayersModel {
  const model = tfl.sequential({ name: 'demo_cnn' });
  const conv = { kernelSize: 3, padding: 'same' as const, activation: 'relu' as const };
  model.add(
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, ...conv, kernelInitializer: init() }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 32, ...conv, kernelInitializer: init() }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 10, kernelInitializer: init() }));
  return model;
}

/** MobileNet v1 (width multiplier `alpha`): a strided 3×3 conv, 13 depthwise-separable blocks, pooling, dense. */
export function mobileNetV1(alpha = 0.5, size = 128, classes = 1000): tfl.LayersModel {
  const channels = (c: number) => Math.max(8, Math.round(c * alpha));
  const input = tfl.input({ shape: [size, size, 3] });
  const relu6 = { padding: 'same' as const, activation: 'relu6' as const };
  let x = tfl.layers
    .conv2d({
      filters: channels(32),
      kernelSize: 3,
      strides: 2,
      ...relu6,
      kernelInitializer: init(),
    })
    .apply(input) as tfl.SymbolicTensor;
  const blocks = [
    [64, 1],
    [128, 2],
    [128, 1],
    [256, 2],
    [256, 1],
    [512, 2],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [512, 1],
    [1024, 2],
    [1024, 1],
  ] as const;
  for (const [filters, stride] of blocks) {
    x = tfl.layers
      .depthwiseConv2d({ kernelSize: 3, strides: stride, ...relu6, depthwiseInitializer: init() })
      .apply(x) as tfl.SymbolicTensor;
    x = tfl.layers
      .conv2d({ filters: channels(filters), kernelSize: 1, ...relu6, kernelInitializer: init() })
      .apply(x) as tfl.SymbolicTensor;
  }
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as tfl.SymbolicTensor;
  const output = tfl.layers
    .dense({ units: classes, kernelInitializer: init() })
    .apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output, name: 'mobilenet_v1_0.5_128' });
}
