/**
 * A/B of pinned weights on the e2e models (a development tool, not a test): one conversion packed
 * (`QuantizedModel.pack()`: the RGBA8I textures are the only copy of the weights) and one left with
 * its int32 codes (packed on first use), against the float model, interleaved in this page; medians of
 * predict + data(). Also the resident bytes each conversion adds, per kernel parameter: tf.memory()
 * plus the packed-weight cache. Run with `node harness/pinned_ab.mjs`.
 */
import { convertToInt8 } from '@clipq/core/layers';
import type { Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { textureBreakdown, webglPackedWeightCache } from '../../src/base.js';
import { scratchBudget } from '../../src/mat_mul_int8_blocked.js';
import { scratchSharing } from '../../src/scratch_pool.js';
import { calibratedModel } from './e2e_models.js';
import { initBackends, publish, tf } from './setup.js';

interface Converted {
  predict(x: Tensor): Tensor;
  pack(): number;
  dispose(): void;
}

function kernelParameters(model: tfl.LayersModel): number {
  return model.weights
    .filter((w) => /(^|\/)(depthwise_)?kernel$/.test(w.originalName ?? w.name))
    .reduce((total, w) => total + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
}

async function values(t: Tensor): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

const resident = () => tf.memory().numBytes + webglPackedWeightCache.bytes();

/**
 * The same model and call with the scratch shared per backend and bounded per call (row chunks), or
 * per weight and unbounded, as before the sharing.
 */
function scratchSide(label: string, shared: boolean, predict: () => Tensor) {
  const saved = scratchBudget.maxBytesPerCall;
  return {
    label,
    call: () => {
      scratchSharing.perBackend = shared;
      scratchBudget.maxBytesPerCall = shared ? saved : Number.POSITIVE_INFINITY;
      try {
        return predict();
      } finally {
        scratchSharing.perBackend = true;
        scratchBudget.maxBytesPerCall = saved;
      }
    },
  };
}

async function pinnedAB(
  name: string,
  batch: number,
  rounds: number,
  mode = 'pinned',
  budget = 0,
): Promise<string[]> {
  if (budget > 0) scratchBudget.maxBytesPerCall = budget;
  const { float, qat, shape } = await calibratedModel(name);
  await tf.setBackend('webgl');
  const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 5);
  const params = kernelParameters(float);
  const convert = async (pack: boolean) => {
    const before = resident();
    const model = convertToInt8(qat) as unknown as Converted;
    const layers = pack ? model.pack() : 0;
    await values(model.predict(x));
    // The first predict moved everything to webgl (and packed the unpinned weights).
    const perParam = (resident() - before) / params;
    return { model, layers, perParam };
  };
  const unpinned = await convert(false);
  const pinned = await convert(true);
  const time = async (call: () => Tensor) => {
    const t0 = performance.now();
    const y = call();
    await y.data();
    y.dispose();
    return performance.now() - t0;
  };
  // mode 'scratch': the first two sides are the pinned model with shared and per-weight scratch.
  const sides =
    mode === 'scratch'
      ? [
          scratchSide('per-weight scratch', false, () => pinned.model.predict(x)),
          scratchSide('shared scratch', true, () => pinned.model.predict(x)),
          { label: 'float', call: () => float.predict(x) as Tensor },
        ]
      : [
          { label: 'unpinned', call: () => unpinned.model.predict(x) },
          { label: 'pinned', call: () => pinned.model.predict(x) },
          { label: 'float', call: () => float.predict(x) as Tensor },
        ];
  const samples = sides.map(() => [] as number[]);
  for (let r = -3; r < rounds; r++) {
    // The order rotates every round, so no side always runs first (or right after the float model).
    for (let j = 0; j < sides.length; j++) {
      const i = (j + r + 3) % sides.length;
      const t = await time(sides[i]!.call);
      if (r >= 0) samples[i]!.push(t);
    }
  }
  const median = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  const [u, p, f] = samples.map(median) as [number, number, number];
  // Both models are alive: weights and epilogue textures are per model (halved below), the scratch is
  // shared by the backend (one model alone holds the same, since both have the same shapes).
  const textures = textureBreakdown();
  const a = await values(unpinned.model.predict(x));
  const b = await values(pinned.model.predict(x));
  const same = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  x.dispose();
  unpinned.model.dispose();
  pinned.model.dispose();
  qat.dispose();
  float.dispose();
  const [first, second] = [sides[0]!.label, sides[1]!.label];
  return [
    `${name} b${batch} (${rounds} rounds): float ${f.toFixed(2)} ms | ${first} ${u.toFixed(2)} ms (ratio ${(f / u).toFixed(3)}) | ${second} ${p.toFixed(2)} ms (ratio ${(f / p).toFixed(3)}) | ${second}/${first} time ${(p / u).toFixed(3)}`,
    `  resident bytes per kernel parameter (${params}): unpinned ${unpinned.perParam.toFixed(3)}, pinned ${pinned.perParam.toFixed(3)} (${pinned.layers} layers packed); clipq's other GPU textures: epilogue operands ${(textures.epilogue / 2 / params).toFixed(3)} per parameter of one model, scratch ${textures.scratch} bytes (all pools alive) = ${(textures.scratch / params).toFixed(3)} per parameter (other ${textures.other}); pinned and unpinned outputs bit-identical: ${same}`,
  ];
}

publish(async () => {
  await initBackends(['cpu', 'webgl'], false);
  return { pinnedAB };
});
