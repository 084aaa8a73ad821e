/** The fakeQuant rows: the fused kernels against core's composite reference kernels. */
import {
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  channelLayout,
  clipqFakeQuantGradReferenceConfig,
  clipqFakeQuantReferenceConfig,
  fakeQuantImpl,
} from '@clipq/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { compare, type Row, sameBits, settleOnGpu } from './bench_common.js';
import { tf } from './setup.js';

/**
 * Back-to-back calls per timed sample (see `compare`): a forward pass is shorter than a GPU sync; a
 * forward+backward sample is long enough on its own.
 */
const FORWARD_BATCH = 8;

export interface FakeQuantSetup {
  shape: [number, number];
  perChannel: boolean;
}

export async function fakeQuantRows(
  { shape, perChannel }: FakeQuantSetup,
  quick: boolean,
): Promise<Row[]> {
  const [rows, columns] = shape;
  const channels = perChannel ? columns : 1;
  const x = tf.randomUniform(shape, -1.2, 1.2);
  const dy = tf.randomUniform(shape, -1, 1);
  const minValues = Float32Array.from({ length: channels }, (_, c) => -1 + 0.1 * Math.sin(c));
  const maxValues = Float32Array.from({ length: channels }, (_, c) => 1 + 0.1 * Math.cos(c));
  const range = () =>
    perChannel
      ? [tf.tensor1d(minValues), tf.tensor1d(maxValues)]
      : [tf.scalar(minValues[0]!), tf.scalar(maxValues[0]!)];
  const [oursMin, oursMax] = range();
  const [refMin, refMax] = range();
  const attrs = {
    bits: 8,
    narrowRange: false,
    perChannel,
    axis: 1,
    rounding: 'half-up',
    rangeGradient: 'full',
    gradScale: 1,
  };
  const backend = tf.backend();
  const forward = () =>
    tf
      .engine()
      .runKernel(ClipqFakeQuant, { x, min: oursMin!, max: oursMax! }, attrs as never) as Tensor;
  const grad = () =>
    tf
      .engine()
      .runKernel(
        ClipqFakeQuantGrad,
        { dy, x, min: oursMin!, max: oursMax! },
        attrs as never,
      ) as Tensor[];
  const refForward = () =>
    clipqFakeQuantReferenceConfig.kernelFunc({
      inputs: { x, min: refMin!, max: refMax! },
      attrs,
      backend,
    } as never) as Tensor;
  const refGrad = () =>
    clipqFakeQuantGradReferenceConfig.kernelFunc({
      inputs: { dy, x, min: refMin!, max: refMax! },
      attrs,
      backend,
    } as never) as Tensor[];
  const y = forward();
  const exact = sameBits(
    await y.data(),
    fakeQuantImpl(
      x.dataSync() as Float32Array,
      minValues,
      maxValues,
      channelLayout(shape, perChannel, 1),
      8,
      false,
    ),
  );
  y.dispose();
  const label = `${rows}x${columns}${perChannel ? ` per-channel(${channels})` : ''}`;
  const fwd = await compare(
    quick,
    { ours: forward, baseline: refForward },
    settleOnGpu,
    FORWARD_BATCH,
  );
  const both = await compare(
    quick,
    { ours: () => [forward(), ...grad()], baseline: () => [refForward(), ...refGrad()] },
    settleOnGpu,
  );
  for (const t of [x, dy, oursMin, oursMax, refMin, refMax]) t!.dispose();
  const row = (kernel: string, timing: typeof fwd): Row => ({
    kernel,
    shape: label,
    ours_ms: timing.ours_ms,
    baseline: 'composite tfjs ops (core reference kernels) on webgl',
    baseline_ms: timing.baseline_ms,
    ratio: timing.ratio,
    exact,
    notes:
      kernel === 'fakeQuant'
        ? `${FORWARD_BATCH} calls per sample, timed to a 1-element slice of each output`
        : 'timed to a 1-element slice of each output',
  });
  return [row('fakeQuant', fwd), row('fakeQuant fwd+bwd', both)];
}
