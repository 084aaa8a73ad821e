/** Shared pieces of the in-page benchmark: timing, settling outputs, and the row format. */
import type { Tensor } from '@tensorflow/tfjs-core';
// @ts-expect-error: the repo's bench helpers are plain JavaScript.
import { comparePair } from '../../../../bench/lib.mjs';
import { tf } from './setup.js';

type Outputs = Tensor | Tensor[];

export interface Timing {
  ours_ms: number;
  baseline_ms: number;
  ratio: number;
}

/**
 * comparePair with one sample per side per round, so ours and the baseline alternate sample by
 * sample (the order flips every round) and the load swings of a shared 2-core machine hit both sides
 * alike. A sample is `batch` back-to-back calls followed by one wait on all their outputs, which
 * spreads the fixed latency of a GPU sync (polled, several ms under load) over the batch; the times
 * reported are per call.
 */
export async function compare(
  quick: boolean,
  calls: { ours: () => Outputs; baseline: () => Outputs },
  wait: (outputs: Tensor[]) => Promise<void>,
  batch = 1,
  warmup = quick ? 1 : 2,
): Promise<Timing> {
  const sample = (call: () => Outputs) => async () => {
    const outputs: Tensor[] = [];
    for (let i = 0; i < batch; i++) outputs.push(...[call()].flat());
    await wait(outputs);
  };
  const timing = await comparePair({
    ours: sample(calls.ours),
    baseline: sample(calls.baseline),
    quick,
    rounds: quick ? 10 : 20,
    runsPerRound: 1,
    warmup,
  });
  const perCall = (ms: number) => Math.round((ms / batch) * 1000) / 1000;
  return {
    ours_ms: perCall(timing.ours_ms),
    baseline_ms: perCall(timing.baseline_ms),
    ratio: timing.ratio,
  };
}

export interface Row {
  kernel: string;
  shape: string;
  ours_ms: number;
  baseline: string;
  baseline_ms: number;
  ratio: number;
  exact: boolean;
  weight_bytes?: number;
  /** e2e rows: the float model's parameters, weight_bytes per parameter, and where it is packed. */
  parameters?: number;
  bytes_per_param?: number;
  packed_for?: string | null;
  notes?: string;
}

export async function settle(result: Tensor | Tensor[]): Promise<void> {
  const all = Array.isArray(result) ? result : [result];
  await Promise.all(all.map((t) => t.data()));
  for (const t of all) t.dispose();
}

/**
 * Waits until every output is computed by awaiting `data()` of its first element (a 1-element slice
 * that depends on the whole output), without downloading it: in training, fake-quant outputs feed the
 * next layer on the GPU, and a full readback (identical on both sides) would dominate both timings.
 */
export async function settleOnGpu(result: Tensor | Tensor[]): Promise<void> {
  const all = Array.isArray(result) ? result : [result];
  const probes = tf.tidy(() => all.map((t) => tf.slice(tf.reshape(t, [-1]), [0], [1])));
  await Promise.all(probes.map((t) => t.data()));
  for (const t of [...all, ...probes]) t.dispose();
}

export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i]) && a[i] !== b[i]) return false;
  return true;
}
