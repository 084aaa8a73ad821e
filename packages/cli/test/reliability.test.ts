/** Reliability through the real CLI: refused inputs, usage errors, one-line errors, interrupted runs. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, type Fixtures, listFiles, makeFixtures, removeDir, runCli } from './helpers.js';

let fx: Fixtures;
beforeAll(async () => {
  fx = await makeFixtures();
});
afterAll(() => removeDir(fx.root));

describe('refused models', () => {
  it('refuses a manifest declaring 2 GiB before reading, and names NaN/Inf weights', async () => {
    const out = join(fx.root, 'out-refused');
    const run = await runCli(['convert', fx.huge, fx.nan, '--out', out, '--json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    const [huge, nan] = doc.models;
    expect(huge.error).toMatch(/more than the 1073741824-byte limit/);
    expect(nan.error).toMatch(/non-finite weights: .*kernel \(1 NaN, 1 Inf\)/);
    expect(listFiles(out)).toEqual([]);
  });

  it('--max-weight-bytes lowers the limit', async () => {
    const run = await runCli(['convert', fx.mlp, '--dry-run', '--max-weight-bytes', '1000']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/limit/);
  });
});

// Each case is a quick subprocess that stops before any model work; they run concurrently.
describe.concurrent('usage errors exit 2 with one clear line', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'an unknown option',
      ['convert', 'x', '--frobnicate'],
      /unknown option '--frobnicate' for 'convert'/,
    ],
    [
      'bits out of range',
      ['convert', 'x', '--out', 'o', '--bits', '9'],
      /--bits must be an integer in 2\.\.8, got '9'/,
    ],
    ['a missing --out', ['convert', 'x'], /--out DIR is required/],
    [
      'a bad enum',
      ['convert', 'x', '--out', 'o', '--calibration-method', 'magic'],
      /Invalid value for argument: --calibration-method \(magic\)/,
    ],
    [
      'a missing input',
      ['convert', 'does-not-exist', '--out', 'o'],
      /input 'does-not-exist' does not exist/,
    ],
    ['an unknown command', ['convertt'], /unknown command 'convertt'/],
    ['no command', [], /no command given/],
    [
      'per-channel with per-tensor',
      ['convert', 'x', '--out', 'o', '--per-channel', '--per-tensor'],
      /exclude each other/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async ({ expect }) => {
      const run = await runCli(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^clipq/);
    });
  }

  it('with --json, stdout is still one JSON document', async ({ expect }) => {
    const run = await runCli(['convert', 'x', '--out', 'o', '--bits', '12', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ command: 'convert', ok: false, exitCode: 2 });
  });

  it('--verbose adds the stack trace', async ({ expect }) => {
    const run = await runCli(['convert', 'x', '--out', 'o', '--bits', '1', '--verbose']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });
});

describe('interrupted conversions', () => {
  it('SIGTERM mid-run leaves only complete models and no temporary files', async () => {
    const out = join(fx.root, 'out-killed');
    const child = spawn(
      process.execPath,
      [bin, 'convert', join(fx.batch, 'good'), '--out', out, '--calibration', fx.calibration],
      { stdio: 'ignore' },
    );
    // Listen before killing: a fast machine may finish first (then there is nothing to interrupt).
    const exited = new Promise<number | null>((r) =>
      child.on('exit', (c, signal) => r(c ?? (signal ? 143 : null))),
    );
    await new Promise((r) => setTimeout(r, 1200));
    const interrupted = child.exitCode == null;
    child.kill('SIGTERM');
    const code = await exited;
    if (interrupted) expect(code).toBe(143);
    else console.log('the conversion finished before SIGTERM; checking its outputs only');
    const files = listFiles(out);
    expect(files.filter((f) => f.includes('.clipq-tmp'))).toEqual([]);
    for (const file of files.filter((f) => f.endsWith('model.json'))) {
      const json = JSON.parse(readFileSync(join(out, file), 'utf8'));
      for (const path of json.weightsManifest[0].paths)
        expect(existsSync(join(out, file, '..', path))).toBe(true);
    }
  });
});
