/** Calibration inputs: the .npy reader, JSON arrays, images resized to the model input, and the CLI on images. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeToInput } from '../src/lib/calibration/images.js';
import { loadCalibration } from '../src/lib/calibration/load_calibration.js';
import { encodeNpy, parseNpy } from '../src/lib/calibration/npy.js';
import { type Fixtures, makeFixtures, removeDir, runCli } from './helpers.js';

let fx: Fixtures;
beforeAll(async () => {
  fx = await makeFixtures();
});
afterAll(() => removeDir(fx.root));

describe('npy reader', () => {
  it('round-trips float32 and uint8 arrays', () => {
    const f = parseNpy(encodeNpy(Float32Array.from([1.5, -2, 3]), [3, 1]));
    expect(f).toMatchObject({ dtype: 'float32', shape: [3, 1] });
    expect(Array.from(f.data)).toEqual([1.5, -2, 3]);
    const u = parseNpy(encodeNpy(Uint8Array.from([0, 7, 255]), [3]));
    expect(u).toMatchObject({ dtype: 'uint8', shape: [3] });
    expect(Array.from(u.data)).toEqual([0, 7, 255]);
  });

  it('rejects bad magic, unsupported dtypes, Fortran order and short data, naming the file', () => {
    const good = encodeNpy(Float32Array.from([1, 2]), [2]);
    expect(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'a.npy')).toThrow(
      /a\.npy: .*bad magic/,
    );
    const text = new TextDecoder('latin1').decode(good);
    const f8 = new Uint8Array(Buffer.from(text.replace('<f4', '<f8'), 'latin1'));
    expect(() => parseNpy(f8)).toThrow(/dtype '<f8'/);
    const fortran = new Uint8Array(Buffer.from(text.replace('False', 'True '), 'latin1'));
    expect(() => parseNpy(fortran)).toThrow(/Fortran order/);
    expect(() => parseNpy(good.subarray(0, good.length - 1))).toThrow(
      /needs 8 data bytes, the file has 7/,
    );
  });
});

describe('calibration sets', () => {
  it('reads .npy (float32 and uint8 scaled to [0, 1]) and .json into the model input shape', async () => {
    const shape = [-1, 8, 8, 2];
    const f = await loadCalibration(fx.calibration, shape);
    expect(f).toMatchObject({ count: 64, sampleShape: [8, 8, 2] });
    const u = await loadCalibration(fx.calibrationUint8, shape);
    expect(u.count).toBe(64);
    expect(Math.abs(u.data[0]! - f.data[0]!)).toBeLessThan(1 / 255);
    const j = await loadCalibration(fx.calibrationJson, shape);
    expect(j.count).toBe(8);
    expect(j.data[5]).toBeCloseTo(f.data[5]!, 6);
  });

  it('reads a folder of PNG and JPEG images resized to the input', async () => {
    const set = await loadCalibration(fx.images, [null, 8, 8, 2]);
    expect(set.count).toBe(4);
    expect(set.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('reports sizes that do not fit the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipq-calib-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([[1, 2, 3]]));
    await expect(loadCalibration(file, [-1, 8, 8, 2])).rejects.toThrow(
      /holds 3 values, not a whole number of samples of shape \[8,8,2\]/,
    );
    await expect(loadCalibration(fx.images, [-1, 128])).rejects.toThrow(
      /image calibration needs an image input/,
    );
    removeDir(dir);
  });

  it('resizes bilinearly: a constant image stays constant, grayscale is the RGB mean', () => {
    const image = {
      width: 3,
      height: 2,
      data: new Uint8Array(3 * 2 * 4).map((_, i) => [51, 102, 153, 255][i % 4]!),
    };
    const rgb = resizeToInput(image, 5, 4, 3);
    expect(rgb[0]).toBeCloseTo(0.2, 6);
    expect(rgb[rgb.length - 1]).toBeCloseTo(0.6, 6);
    const gray = resizeToInput(image, 2, 2, 1);
    expect(Array.from(gray).every((v) => Math.abs(v - 0.4) < 1e-6)).toBe(true);
  });
});

describe('clipq convert with image calibration', () => {
  it('calibrates a graph model from a folder of PNG/JPEG images', async () => {
    const run = await runCli([
      'convert',
      fx.graph,
      '--out',
      join(fx.root, 'out-images'),
      '--calibration',
      fx.images,
      '--calibration-method',
      'percentile',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(
      doc.models[0].layers.every((l: { activationRange: unknown }) =>
        Array.isArray(l.activationRange),
      ),
    ).toBe(true);
  });
});
