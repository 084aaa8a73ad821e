/**
 * Inference latency of the converted int8 model (int8 runtime) against the float model, on each
 * installed backend, batch 1 and 16: the median of interleaved runs, each awaiting its result, after
 * 20 untimed runs of each (the int8 runtime's JS needs ~5–10 predicts before V8 has optimized it, while
 * the float model is already hot from training).
 */
import * as tf from '@tensorflow/tfjs-core';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeOnce(run) {
  const start = performance.now();
  const y = run();
  await y.data();
  y.dispose();
  return performance.now() - start;
}

export async function measureLatency({
  float,
  int8,
  x,
  backends,
  batches = [1, 16],
  runs = 20,
  warmup = 20,
}) {
  const original = tf.getBackend();
  const rows = [];
  for (const backend of backends) {
    await tf.setBackend(backend);
    for (const batch of batches) {
      const input = tf.slice(x, 0, batch);
      const runFloat = () => float.predict(input);
      const runInt8 = () => int8.predict(input);
      for (let i = 0; i < warmup; i++) {
        await timeOnce(runFloat);
        await timeOnce(runInt8);
      }
      const floatMs = [];
      const int8Ms = [];
      for (let i = 0; i < runs; i++) {
        floatMs.push(await timeOnce(runFloat));
        int8Ms.push(await timeOnce(runInt8));
      }
      input.dispose();
      const row = { backend, batch, runs, floatMs: median(floatMs), int8Ms: median(int8Ms) };
      rows.push({ ...row, ratio: row.floatMs / row.int8Ms });
    }
  }
  await tf.setBackend(original);
  return rows;
}

export function printLatency(rows, log) {
  log(
    `\nint8 runtime vs float inference (median of ${rows[0]?.runs ?? 0} interleaved runs after warm-up; ratio = float ms / int8 ms)`,
  );
  log('backend  batch  float ms  int8 ms  ratio');
  for (const r of rows) {
    log(
      `${r.backend.padEnd(7)}  ${String(r.batch).padStart(5)}  ${r.floatMs.toFixed(2).padStart(8)}  ${r.int8Ms.toFixed(2).padStart(7)}  ${r.ratio.toFixed(2).padStart(5)}`,
    );
  }
}
