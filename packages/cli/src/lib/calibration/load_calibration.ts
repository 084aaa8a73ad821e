/**
 * Calibration inputs for one model: a `.npy` file, a `.json` array of inputs, or a folder of images,
 * checked against (and reshaped to) the model's input shape.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { readImageFolder } from './images.js';
import { parseNpy } from './npy.js';

export interface CalibrationSet {
  /** Samples, flattened in C order. */
  data: Float32Array;
  count: number;
  /** Per-sample shape (the model input's, without the batch dimension). */
  sampleShape: number[];
  source: string;
}

const MAX_CALIBRATION_BYTES = 512 * 1024 * 1024;

function flattenJson(value: unknown, out: number[], file: string): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new Error(`${file}: calibration values must be finite, got ${value}`);
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) flattenJson(v, out, file);
  } else {
    throw new Error(`${file}: calibration JSON must be nested arrays of numbers`);
  }
}

/**
 * Loads calibration data for a model whose input is `inputShape` (batch dimension first, -1 or null
 * allowed). The per-sample size must match the model's; the samples are reshaped to it.
 */
export async function loadCalibration(
  path: string,
  inputShape: (number | null)[],
): Promise<CalibrationSet> {
  const sampleShape = inputShape.slice(1).map((d) => (d == null || d < 0 ? Number.NaN : d));
  if (sampleShape.some((d) => Number.isNaN(d))) {
    throw new Error(
      `the model input shape [${inputShape}] has unknown non-batch dimensions; calibration needs them`,
    );
  }
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const info = await stat(path).catch(() => null);
  if (info == null) throw new Error(`calibration path '${path}' does not exist`);
  let data: Float32Array;
  if (info.isDirectory()) {
    if (sampleShape.length !== 3) {
      throw new Error(
        `image calibration needs an image input [N, H, W, C], the model takes [${inputShape}]`,
      );
    }
    const [h, w, c] = sampleShape as [number, number, number];
    data = (await readImageFolder(path, h, w, c)).data;
  } else {
    if (info.size > MAX_CALIBRATION_BYTES)
      throw new Error(`calibration file '${path}' is above ${MAX_CALIBRATION_BYTES} bytes`);
    const ext = extname(path).toLowerCase();
    const bytes = await readFile(path);
    if (ext === '.npy') {
      const array = parseNpy(bytes, path);
      data =
        array.dtype === 'float32'
          ? (array.data as Float32Array)
          : Float32Array.from(array.data, (v) => v / 255);
    } else if (ext === '.json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        throw new Error(
          `calibration file '${path}' is not valid JSON: ${(error as Error).message}`,
        );
      }
      const values: number[] = [];
      flattenJson(parsed, values, path);
      data = Float32Array.from(values);
    } else {
      throw new Error(`calibration file '${path}' must be .npy, .json or a folder of images`);
    }
  }
  if (data.length === 0 || data.length % per !== 0) {
    throw new Error(
      `calibration data '${path}' holds ${data.length} values, not a whole number of samples of shape [${sampleShape}]`,
    );
  }
  return { data, count: data.length / per, sampleShape, source: path };
}
