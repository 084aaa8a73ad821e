/**
 * `node bench/run.mjs --backend cli`: `clipq convert --jobs 2` against `--jobs 1` on 8 generated graph
 * models (the real CLI as a subprocess, interleaved by comparePair). `exact` says whether both runs
 * wrote byte-identical outputs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { comparePair } from '../lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'packages', 'cli');
const bin = join(cli, 'dist', 'bin.js');
const execFileAsync = promisify(execFile);
const MODELS = 8;
/** Model width and calibration size: each conversion must outweigh a worker's ~2.5 s tfjs start-up. */
const HIDDEN = Number(process.env.CLIPQ_BENCH_HIDDEN ?? 2048);
const SAMPLES = Number(process.env.CLIPQ_BENCH_SAMPLES ?? 1024);

function files(dir, prefix = '') {
  return readdirSync(dir)
    .sort()
    .flatMap((name) =>
      statSync(join(dir, name)).isDirectory()
        ? files(join(dir, name), `${prefix}${name}/`)
        : [`${prefix}${name}`],
    );
}

function sameOutputs(a, b) {
  const listA = files(a);
  return (
    listA.join() === files(b).join() &&
    listA.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))))
  );
}

export async function run({ quick = false } = {}) {
  const { graphArtifacts, writeArtifacts, npy, calibrationData, INPUT_SHAPE } = await import(
    join(cli, 'scripts', 'fixtures.mjs')
  );
  const work = mkdtempSync(join(tmpdir(), 'clipq-bench-cli-'));
  try {
    const models = join(work, 'models');
    for (let i = 0; i < MODELS; i++)
      writeArtifacts(join(models, `m${i}`), graphArtifacts(100 + i, HIDDEN));
    const calibration = join(work, 'calib.npy');
    const samples = SAMPLES;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(calibration, npy(calibrationData(samples, 5), [samples, ...INPUT_SHAPE]));
    const convert = (jobs) => async () => {
      const out = join(work, `out-jobs${jobs}`);
      await execFileAsync(process.execPath, [
        bin,
        'convert',
        models,
        '--out',
        out,
        '--jobs',
        String(jobs),
        '--force',
        '--calibration',
        calibration,
        '--calibration-method',
        'mse',
      ]);
    };
    const result = await comparePair({
      ours: convert(2),
      baseline: convert(1),
      quick,
      rounds: quick ? 1 : 3,
      runsPerRound: 1,
      warmup: 0,
    });
    return {
      rows: [
        {
          kernel: 'clipq convert --jobs 2',
          shape: `${MODELS} graph models (8x8x2 → ${HIDDEN} → 10), ${samples} mse-calibration samples`,
          ours_ms: result.ours_ms,
          baseline: 'clipq convert --jobs 1',
          baseline_ms: result.baseline_ms,
          ratio: result.ratio,
          exact: sameOutputs(join(work, 'out-jobs1'), join(work, 'out-jobs2')),
        },
      ],
      meta: { runs: result.runs, cores: (await import('node:os')).availableParallelism() },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
