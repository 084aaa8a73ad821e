/**
 * Shared benchmark helpers (BRIEF 3.3). Timing is done by tinybench; this file only interleaves ours
 * and the baseline: each round is one tinybench Bench holding both tasks, in alternating order, so
 * machine noise hits both sides alike. The reported time is the median of all retained samples.
 */
import { Bench } from 'tinybench';

/**
 * Times `ours` and `baseline` (sync or async functions; an async one must await its result, e.g.
 * `await t.data()`), interleaved over `rounds`, with at least `minRuns` samples each.
 * @returns {Promise<{ours_ms: number, baseline_ms: number, ratio: number, runs: number}>}
 */
export async function comparePair({
  ours,
  baseline,
  quick = false,
  rounds,
  runsPerRound,
  warmup = 2,
}) {
  const r = rounds ?? (quick ? 4 : 6);
  const perRound = runsPerRound ?? (quick ? 3 : 5);
  for (let i = 0; i < warmup; i++) {
    await ours();
    await baseline();
  }
  const samples = { ours: [], baseline: [] };
  for (let round = 0; round < r; round++) {
    const bench = new Bench({ iterations: perRound, time: 0, warmup: false, retainSamples: true });
    const order = round % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
    // Async wrappers: tinybench probes a plain function with one extra, untimed call per round to see
    // whether it returns a promise; an async function needs no probe (an expensive baseline paid ~50%).
    for (const name of order) {
      const fn = name === 'ours' ? ours : baseline;
      bench.add(name, async () => {
        await fn();
      });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed')
        throw new Error(`bench task ${task.name} ${result.state}: ${result.error ?? ''}`);
      samples[task.name].push(...(result.latency.samples ?? []));
    }
  }
  const ours_ms = median(samples.ours);
  const baseline_ms = median(samples.baseline);
  return {
    ours_ms: round3(ours_ms),
    baseline_ms: round3(baseline_ms),
    ratio: round3(baseline_ms / ours_ms),
    runs: Math.min(samples.ours.length, samples.baseline.length),
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round3(v) {
  return Math.round(v * 1000) / 1000;
}

/** Prints rows as a table on stderr-free stdout. */
export function printTable(backend, rows) {
  console.log(`\n${backend}`);
  console.table(
    rows.map((row) => ({
      kernel: row.kernel,
      shape: row.shape,
      ours_ms: row.ours_ms,
      baseline: row.baseline,
      baseline_ms: row.baseline_ms,
      ratio: row.ratio,
      exact: row.exact,
      weight_bytes: row.weight_bytes,
      ...(row.bytes_per_param !== undefined ? { bytes_per_param: row.bytes_per_param } : {}),
    })),
  );
}
