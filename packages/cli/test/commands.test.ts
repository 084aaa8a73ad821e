/** Help for every command, `inspect` and `bench` through the real CLI. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixtures, makeFixtures, removeDir, runCli } from './helpers.js';

let fx: Fixtures;
let converted: string;
beforeAll(async () => {
  fx = await makeFixtures();
  const out = join(fx.root, 'out');
  const run = await runCli(['convert', fx.graph, '--out', out, '--calibration', fx.calibration]);
  expect(run.code, run.stderr).toBe(0);
  converted = join(out, 'model.json');
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
