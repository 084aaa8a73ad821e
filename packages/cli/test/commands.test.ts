/** Help for every command, `inspect`, `bench`, progress and `demo` through the real CLI. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDemoRoot } from '../src/lib/demo.js';
import { bin, type Fixtures, makeFixtures, removeDir, runCli } from './helpers.js';

const execFileAsync = promisify(execFile);

let fx: Fixtures;
let converted: string;
beforeAll(async () => {
  fx = await makeFixtures();
  const out = join(fx.root, 'out');
  const run = await runCli(['convert', fx.graph, '--out', out, '--calibration', fx.calibration]);
  expect(run.code, run.stderr).toBe(0);
  converted = join(out, 'graph', 'model.json');
});
afterAll(() => removeDir(fx.root));

describe('--help', () => {
  for (const command of [[], ['convert'], ['inspect'], ['bench'], ['demo']]) {
    it(`clipq ${command.join(' ')} --help shows usage, options and examples`, async () => {
      const run = await runCli([...command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/USAGE/);
      expect(run.stdout).toMatch(/OPTIONS/);
      expect(run.stdout).toMatch(/Examples:\n\n {2}\$ clipq /);
      if (command.length === 0)
        expect(run.stdout).toMatch(/COMMANDS[\s\S]*convert[\s\S]*inspect[\s\S]*bench[\s\S]*demo/);
    });
  }
});

describe('clipq inspect', () => {
  it('describes a stock uint8/float16-compressed model', async () => {
    const run = await runCli(['inspect', fx.cnnUint8, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.format).toBe('layers-model');
    expect(doc.clipq).toBeNull();
    const storage = new Set(doc.weights.map((w: { storage: string }) => w.storage));
    expect(storage).toEqual(new Set(['uint8', 'float16']));
    expect(doc.structure).toMatchObject({
      Conv2D: 1,
      BatchNormalization: 1,
      DepthwiseConv2D: 1,
      Dense: 1,
    });
    expect(doc.parameters).toBeGreaterThan(2000);
  });

  it('gives per-weight SQNR of a clipq model against its float source', async () => {
    const run = await runCli(['inspect', converted, '--source', fx.graph, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.clipq).toMatchObject({ formatVersion: 1, portable: false, activations: 4 });
    const fc1 = doc.weights.find((w: { name: string }) => w.name === 'fc1/kernel');
    expect(fc1).toMatchObject({ storage: 'int8', bits: 8 });
    expect(fc1.scheme).toMatch(/symmetric per channel \(32, axis 1\)/);
    expect(fc1.sqnrDb).toBeGreaterThan(35);
    expect(run.stderr).toMatch(/fc1\/kernel \[128×32\] int8/);
  });
});

describe('clipq bench', () => {
  it('reports float and int8 latency as a ratio per backend', async () => {
    const run = await runCli([
      'bench',
      converted,
      '--backend',
      'cpu',
      '--runs',
      '3',
      '--batch',
      '4',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.rows).toHaveLength(1);
    const row = doc.rows[0];
    expect(row.backend).toBe('cpu');
    expect(row.floatMs).toBeGreaterThan(0);
    expect(row.ratio).toBeCloseTo(row.floatMs / row.int8Ms, 6);
  });
});

describe('live progress', () => {
  it('draws a bar per job and an overall bar on a TTY only', async () => {
    const plain = await runCli([
      'convert',
      join(fx.batch, 'good'),
      '--out',
      join(fx.root, 'plain'),
      '--jobs',
      '2',
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout + plain.stderr).not.toMatch(/overall \|/);
    if (!existsSync('/usr/bin/script')) {
      console.log(
        'SKIPPED TTY progress check: util-linux `script` (a pseudo-terminal) is not installed',
      );
      return;
    }
    // `script` runs the CLI on a pseudo-terminal, as in an interactive shell.
    const command = `${process.execPath} ${bin} convert ${fx.mlp} ${fx.graph} --out ${join(fx.root, 'tty')} --jobs 2`;
    const { stdout } = await execFileAsync('script', ['-qec', command, '/dev/null'], {
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/overall \|/);
    expect(stdout).toMatch(/job 1 {2}\|/);
    expect(stdout).toMatch(/job 2 {2}\|/);
    expect(stdout).toMatch(/2 converted, 0 failed/);
  });
});

describe('clipq demo', () => {
  it('finds the repository whose root package.json has the demo script it runs', () => {
    const root = findDemoRoot();
    expect(root).not.toBeNull();
    const manifest = JSON.parse(readFileSync(join(root!, 'package.json'), 'utf8'));
    expect(manifest.scripts.demo).toBeTypeOf('string');
  });
});
