/**
 * The in-page benchmark for `pnpm bench --backend webgl`: rows in BRIEF 3.3's format, timed with the
 * repo's `comparePair` (tinybench, ours and the baseline interleaved, medians), every run awaiting
 * `data()`, since gl.finish() does not wait under SwiftShader.
 */
import {
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  channelLayout,
  clipqFakeQuantGradReferenceConfig,
  clipqFakeQuantReferenceConfig,
  fakeQuantImpl,
  matMulInt8,
  matMulInt8Impl,
  QuantizedTensor,
} from '@clipq/core';
import { randomCodes, rng } from '@clipq/core/testing';
import type { Tensor } from '@tensorflow/tfjs-core';
// @ts-expect-error: the repo's bench helpers are plain JavaScript.
import { comparePair } from '../../../../bench/lib.mjs';
import { ownTextureStats, webglPackedWeightCache } from '../../src/base.js';
import { initBackends, publish, tf } from './setup.js';

/**
 * comparePair with one run per task per round: ours and the baseline alternate run by run (the order flips every round), so the slow load swings of a shared 2-core machine hit both sides alike.
 */
function compare(quick: boolean, ours: () => Promise<void>, baseline: () => Promise<void>) {
  return comparePair({ ours, baseline, quick, rounds: quick ? 10 : 20, runsPerRound: 1 });
}

interface Row {
  kernel: string;
  shape: string;
  ours_ms: number;
  baseline: string;
  baseline_ms: number;
  ratio: number;
  exact: boolean;
  weight_bytes?: number;
  notes?: string;
}

async function settle(result: Tensor | Tensor[]): Promise<void> {
  const all = Array.isArray(result) ? result : [result];
  await Promise.all(all.map((t) => t.data()));
  for (const t of all) t.dispose();
}

/**
 * Waits until every output is computed by awaiting `data()` of its first element (a 1-element slice
 * that depends on the whole output), without downloading it: in training, fake-quant outputs feed the
 * next layer on the GPU, and a full readback (identical on both sides) would dominate both timings.
 */
async function settleOnGpu(result: Tensor | Tensor[]): Promise<void> {
  const all = Array.isArray(result) ? result : [result];
  const probes = all.map((t) => (t.size > 1 ? tf.slice(tf.reshape(t, [-1]), [0], [1]) : t));
  await Promise.all(probes.map((t) => t.data()));
  for (const t of new Set([...all, ...probes])) t.dispose();
}

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && a[i] !== b[i]) return false;
  return true;
}

async function matMulRow(M: number, K: number, N: number, quick: boolean): Promise<Row> {
  const r = rng(M * 31 + K * 7 + N);
  const aCodes = randomCodes(r, M * K, 8, false);
  const bCodes = randomCodes(r, K * N, 8, true);
  const bScale = Float32Array.from({ length: N }, () => Math.fround(0.001 + r() * 0.01));
  const aSpec = {
    scale: Float32Array.of(0.02),
    zeroPoint: Int32Array.of(-3),
    axis: null,
    bits: 8,
    narrowRange: false,
  };
  const a = new QuantizedTensor(tf.tensor(aCodes, [M, K], 'int32'), aSpec);
  const bSpec = {
    scale: bScale,
    zeroPoint: new Int32Array(N),
    axis: 1,
    bits: 8,
    narrowRange: true,
  };
  const b = new QuantizedTensor(tf.tensor(bCodes, [K, N], 'int32'), bSpec);
  const af = tf.randomUniform([M, K], -1, 1);
  const bf = tf.randomUniform([K, N], -1, 1);
  const bytesBefore = webglPackedWeightCache.bytes();
  const first = matMulInt8(a, b);
  const got = (await first.data()) as Float32Array;
  first.dispose();
  const weightBytes = webglPackedWeightCache.bytes() - bytesBefore;
  const expected = matMulInt8Impl({
    a: aCodes,
    b: bCodes,
    M,
    K,
    N,
    transposeB: false,
    aZeroPoint: -3,
    bZeroPoint: bSpec.zeroPoint,
    aScale: Math.fround(0.02),
    bScale,
    bias: null,
    activation: 'linear',
  });
  const timing = await compare(
    quick,
    () => settle(matMulInt8(a, b)),
    () => settle(tf.matMul(af, bf)),
  );
  a.dispose();
  b.dispose();
  af.dispose();
  bf.dispose();
  return {
    kernel: 'matMulInt8',
    shape: `${M}x${K}x${N}`,
    ours_ms: timing.ours_ms,
    baseline: 'tfjs-webgl matMul f32',
    baseline_ms: timing.baseline_ms,
    ratio: timing.ratio,
    exact: sameBits(got, expected),
    weight_bytes: weightBytes,
  };
}

interface FakeQuantSetup {
  shape: [number, number];
  perChannel: boolean;
}

async function fakeQuantRows(
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
    () => settleOnGpu(forward()),
    () => settleOnGpu(refForward()),
  );
  const both = await compare(
    quick,
    () => settleOnGpu([forward(), ...grad()]),
    () => settleOnGpu([refForward(), ...refGrad()]),
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
  });
  return [row('fakeQuant', fwd), row('fakeQuant fwd+bwd', both)];
}

publish(async () => {
  await initBackends(['webgl']);
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
  return {
    meta: {
      browser: navigator.userAgent,
      renderer: gl.getParameter(gl.RENDERER),
      webglVersion: tf.env().getNumber('WEBGL_VERSION'),
    },
    async bench({ quick }: { quick: boolean }) {
      const rows: Row[] = [];
      for (const [M, K, N] of [
        [64, 1024, 1024],
        [256, 256, 256],
        [512, 512, 512],
      ] as const) {
        rows.push(await matMulRow(M, K, N, quick));
      }
      rows.push(...(await fakeQuantRows({ shape: [256, 1024], perChannel: false }, quick)));
      rows.push(...(await fakeQuantRows({ shape: [256, 1024], perChannel: true }, quick)));
      return { rows, leftoverClipqTextures: ownTextureStats().textures };
    },
  };
});
