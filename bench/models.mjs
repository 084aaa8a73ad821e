/**
 * The end-to-end benchmark models of issue 7, defined once for every runner: the demo CNN (28×28×1) and a
 * MobileNet-v1-style network (width 0.5, 128×128×3), with seeded glorot-uniform weights. Written against
 * a tfjs-layers namespace passed in (no imports), so Node's bench (bench/e2e.mjs) and the WebGL page
 * bundle, which each have their own tfjs instance, build identical models.
 */

/** @param {typeof import('@tensorflow/tfjs-layers')} tfl */
export function e2eModels(tfl) {
  let seed = 1;
  const init = () => tfl.initializers.glorotUniform({ seed: seed++ });

  /** Restarts the weight seeds, so a model built again gets the same weights. */
  function resetSeed() {
    seed = 1;
  }

  function demoCnn() {
    const model = tfl.sequential({ name: 'demo_cnn' });
    const conv = { kernelSize: 3, padding: 'same', activation: 'relu' };
    model.add(
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        ...conv,
        kernelInitializer: init(),
      }),
    );
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.conv2d({ filters: 32, ...conv, kernelInitializer: init() }));
    model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 10, kernelInitializer: init() }));
    return model;
  }

  /** MobileNet v1 (width multiplier `alpha`): a strided 3×3 conv, 13 depthwise-separable blocks, pooling, dense. */
  function mobileNetV1(alpha = 0.5, size = 128, classes = 1000) {
    const channels = (c) => Math.max(8, Math.round(c * alpha));
    const relu6 = { padding: 'same', activation: 'relu6' };
    const input = tfl.input({ shape: [size, size, 3] });
    let x = tfl.layers
      .conv2d({
        filters: channels(32),
        kernelSize: 3,
        strides: 2,
        ...relu6,
        kernelInitializer: init(),
      })
      .apply(input);
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
    ];
    for (const [filters, stride] of blocks) {
      x = tfl.layers
        .depthwiseConv2d({ kernelSize: 3, strides: stride, ...relu6, depthwiseInitializer: init() })
        .apply(x);
      x = tfl.layers
        .conv2d({ filters: channels(filters), kernelSize: 1, ...relu6, kernelInitializer: init() })
        .apply(x);
    }
    x = tfl.layers.globalAveragePooling2d({}).apply(x);
    const output = tfl.layers.dense({ units: classes, kernelInitializer: init() }).apply(x);
    return tfl.model({ inputs: input, outputs: output, name: 'mobilenet_v1_0.5_128' });
  }

  return { resetSeed, demoCnn, mobileNetV1 };
}
