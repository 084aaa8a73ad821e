/**
 * The acceptance batch: 3 good models (float layers, uint8/float16-compressed layers, graph) and 4
 * broken ones in one folder. The good ones convert, the broken ones are reported, exit 1, no partials.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportInChromium } from './chromium.js';
import { type Fixtures, listFiles, makeFixtures, removeDir, runCli } from './helpers.js';

let fx: Fixtures;
beforeAll(async () => {
  fx = await makeFixtures();
});
afterAll(() => removeDir(fx.root));

describe('clipq convert on a folder with 3 good and 4 bad models', () => {
  it('converts the good ones, reports each bad one with its reason, exits 1, leaves no partial files', async () => {
    const out = join(fx.root, 'out-batch');
    const run = await runCli([
      'convert',
      fx.batch,
      '--out',
      out,
      '--calibration',
      fx.calibration,
      '--json',
      '--report',
      join(fx.root, 'report.html'),
    ]);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.summary).toMatchObject({ total: 7, converted: 3, failed: 4 });
    const byName = Object.fromEntries(
      doc.models.map((m: { file: string }) => [m.file.split('/').slice(-2, -1)[0], m]),
    );
    expect(byName['invalid-json'].error).toMatch(/invalid JSON/);
    expect(byName['path-traversal'].error).toMatch(/outside the model folder \(path traversal\)/);
    expect(byName['truncated-shard'].error).toMatch(
      /truncated: its shards hold \d+ bytes but the manifest's weights need \d+/,
    );
    expect(byName['shape-mismatch'].error).toMatch(/shape\/bytes mismatch/);
    for (const name of ['mlp', 'cnn-uint8', 'graph']) {
      expect(byName[name].status).toBe('converted');
      expect(byName[name].bytesAfter).toBeGreaterThan(0);
    }
    // Only the good models' outputs exist, each complete; no temp file anywhere.
    expect(listFiles(out)).toEqual([
      'good/cnn-uint8/model.json',
      'good/cnn-uint8/model.weights.bin',
      'good/graph/model.json',
      'good/graph/model.weights.bin',
      'good/mlp/model.json',
      'good/mlp/model.weights.bin',
    ]);
    // Human output went to stderr, one line per failure naming the file.
    expect(run.stderr).toMatch(/✗ .*truncated-shard\/model\.json: weight group 0 is truncated/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const converted = JSON.parse(readFileSync(join(out, 'good/graph/model.json'), 'utf8'));
    expect(converted.userDefinedMetadata.clipq.formatVersion).toBe(1);
  });

  it('does not overwrite existing outputs without --force, and does with it', async () => {
    // The first test wrote these outputs (out-batch/good/...).
    const out = join(fx.root, 'out-batch', 'good');
    const again = await runCli(['convert', join(fx.batch, 'good'), '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/exists \(use --force to overwrite\)/);
    expect(again.stdout).toMatch(/0 converted, 3 failed/);
    const forced = await runCli([
      'convert',
      join(fx.batch, 'good'),
      '--out',
      out,
      '--force',
      '--jobs',
      '2',
    ]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/3 converted, 0 failed/);
  });

  it('--dry-run validates and lists outputs without writing', async () => {
    const out = join(fx.root, 'out-dry');
    const run = await runCli(['convert', fx.batch, '--out', out, '--dry-run', '--json']);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout);
    expect(doc.summary).toMatchObject({ planned: 3, failed: 4 });
    expect(listFiles(out)).toEqual([]);
  });
});

describe('--report', () => {
  it('is one self-contained HTML file with a histogram per layer that renders in headless Chromium without errors', async () => {
    const file = join(fx.root, 'report.html');
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script/i);
    for (const name of ['fc1', 'conv/kernel', 'dense_Dense']) expect(html).toContain(name);
    expect(html).toMatch(/truncated-shard[\s\S]*failed/);
    const svgs = html.match(/<svg /g)?.length ?? 0;
    expect(svgs).toBeGreaterThanOrEqual(10);
    const result = await checkReportInChromium(file, join(fx.root, 'report.png'));
    if (result.skipped) return;
    expect(result.consoleErrors).toEqual([]);
    expect(result.externalRequests).toEqual([]);
    expect(result.svgCount).toBe(svgs);
    expect(result.screenshotBytes).toBeGreaterThan(10_000);
  });
});
