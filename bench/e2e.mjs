/**
 * End-to-end rows (issue 7): a converted model on the int8 runtime against the same float model, on the
 * active backend, interleaved. Models: the demo CNN (28×28×1) and a MobileNet-v1-style network (width 0.5,
 * 128×128×3), with seeded random weights and ranges calibrated on random data; batch 1 and 16.
 * Row kernel names are `e2e:<model>:b<batch>`. The converted model is packed (`QuantizedModel.pack`), and
 * `weight_bytes` is everything it keeps resident: the growth of `tf.memory().numBytes` from before
 * `convertToInt8` to after `pack()` and one predict, plus the growth of the backends' packed-weight
 * caches; `bytes_per_param` divides it by the float model's parameter count.
 */
import { packedWeightBytes } from '@clipq/core';
import { calibrate, convertToInt8, prepareQat } from '@clipq/core/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { comparePair } from './lib.mjs';
import { e2eModels } from './models.mjs';

const definitions = e2eModels(tfl);
export const { demoCnn, mobileNetV1 } = definitions;

async function prepared(name, build, inputShape) {
  definitions.resetSeed();
  const float = build();
  const calibration = tf.randomUniform([8, ...inputShape], 0, 1, 'float32', 3);
  const qat = prepareQat(float);
  await calibrate(qat, calibration, { method: 'minmax', batchSize: 8 });
  calibration.dispose();
  const before = residentBytes();
  const converted = convertToInt8(qat);
  if (converted.pack() === 0)
    console.error(
      `[e2e] ${name}: the backend cannot pin weights; they stay int32 codes + float kernels`,
    );
  const probe = tf.zeros([1, ...inputShape]);
  converted.predict(probe).dispose();
  probe.dispose();
  const weightBytes = residentBytes() - before;
  qat.dispose();
  return { name, float, converted, inputShape, weightBytes };
}

/** Bytes in tfjs tensors plus every backend's packed-weight cache. */
function residentBytes() {
  const packed = Object.values(packedWeightBytes()).reduce((a, b) => a + b, 0);
  return tf.memory().numBytes + packed;
}

/** e2e rows on the active backend (`backendLabel` names it in the baseline column). */
export async function e2eRows({ quick, backendLabel, batches = [1, 16], progress = () => {} }) {
  const rows = [];
  const models = [
    await prepared('demo_cnn', demoCnn, [28, 28, 1]),
    await prepared('mobilenet_v1_0.5_128', () => mobileNetV1(0.5, 128), [128, 128, 3]),
  ];
  for (const m of models) {
    for (const batch of batches) {
      if (quick && backendLabel === 'cpu' && m.name.startsWith('mobilenet') && batch > 1) {
        // tfjs-cpu's float MobileNet takes ~3.3 s per batch of 16 (04:00 UTC, quiet): ten interleaved
        // runs plus warm-up would add ~45 s to --quick's minute. The full run (without --quick)
        // measures it (6.3 at 04:00 UTC).
        console.error(
          `[${backendLabel}] SKIPPED e2e:${m.name}:b${batch} in --quick (float baseline ~3.3 s per run, ~45 s for ten); run without --quick`,
        );
        continue;
      }
      progress(`e2e ${m.name} batch ${batch}`);
      const x = tf.randomUniform([batch, ...m.inputShape], 0, 1, 'float32', 5);
      const runFloat = async () => {
        const y = m.float.predict(x);
        await y.data();
        y.dispose();
      };
      const runInt8 = async () => {
        const y = m.converted.predict(x);
        await y.data();
        y.dispose();
      };
      const timing = await comparePair({
        ours: runInt8,
        baseline: runFloat,
        quick,
        // The int8 runtime's JS needs ~5–10 predicts before V8 has optimized it (the float model's
        // layers are already hot from calibration): warm the small model up properly.
        // The demo CNN takes well under a millisecond per predict on wasm: 40 samples (still ~0.1 s)
        // steady its median; MobileNet keeps the minimum of 10.
        ...(quick
          ? m.name === 'demo_cnn'
            ? { rounds: 4, runsPerRound: 10, warmup: 20 }
            : { rounds: 2, runsPerRound: 5, warmup: 2 }
          : {}),
        ...(!quick && m.name === 'demo_cnn' ? { warmup: 20 } : {}),
      });
      const paths = m.converted.plan().map((p) => p.path);
      rows.push({
        kernel: `e2e:${m.name}:b${batch}`,
        shape: `${batch}x${m.inputShape.join('x')}`,
        ...timing,
        baseline: `tfjs-${backendLabel} float LayersModel.predict`,
        weight_bytes: m.weightBytes,
        parameters: m.float.countParams(),
        bytes_per_param: Number((m.weightBytes / m.float.countParams()).toFixed(3)),
        packed_for: m.converted.packedFor,
        int8_layers: paths.filter((p) => p.startsWith('Clipq')).length,
      });
      x.dispose();
    }
    m.converted.dispose();
    m.float.dispose();
  }
  return rows;
}
