/** The results of `clipq convert` (its `--json` document is built from these), and dry runs. */
import { existsSync } from 'node:fs';
import { errorMessage } from './errors.js';
import { DEFAULT_LIMITS } from './model_io/limits.js';
import { readModel } from './model_io/read_model.js';
import type { ConversionOptions, LayerResult } from './options.js';

export interface ConvertRequest {
  inputs: string[];
  out: string | null;
  options: ConversionOptions;
  jobs: number;
  force: boolean;
  dryRun: boolean;
  report: string | null;
  progress: boolean;
}

export type ModelStatus = 'converted' | 'failed' | 'planned';

export interface ModelReport {
  file: string;
  output: string | null;
  status: ModelStatus;
  format?: string;
  error?: string;
  /** Bytes of model.json plus shards, before and after. */
  bytesBefore?: number;
  bytesAfter?: number;
  ms: number;
  outputSqnrDb?: number | null;
  argmaxAgreement?: number | null;
  layers?: LayerResult[];
  notes?: string[];
  stack?: string;
}

export interface ConvertResult {
  ok: boolean;
  models: ModelReport[];
  summary: {
    total: number;
    converted: number;
    failed: number;
    planned: number;
    bytesBefore: number;
    bytesAfter: number;
  };
  report: string | null;
  ms: number;
}

export async function dryRun(
  file: string,
  output: string | null,
  options: ConversionOptions,
  force: boolean,
): Promise<ModelReport> {
  const started = performance.now();
  try {
    if (output != null && !force && existsSync(output))
      throw new Error(`output '${output}' exists (use --force to overwrite)`);
    const model = await readModel(file, {
      ...DEFAULT_LIMITS,
      maxWeightBytes: options.maxWeightBytes,
    });
    return {
      file,
      output,
      status: 'planned',
      format: model.format,
      bytesBefore: model.jsonBytes + model.weightBytes,
      ms: performance.now() - started,
    };
  } catch (error) {
    return failedReport(file, output, errorMessage(error), started);
  }
}

/** The report of a model that failed, timed from `started`. */
export function failedReport(
  file: string,
  output: string | null,
  error: string,
  started: number,
  stack?: string,
): ModelReport {
  return {
    file,
    output,
    status: 'failed',
    error,
    ms: performance.now() - started,
    ...(stack ? { stack } : {}),
  };
}

export function summarize(models: ModelReport[]): ConvertResult['summary'] {
  const count = (s: ModelStatus) => models.filter((m) => m.status === s).length;
  return {
    total: models.length,
    converted: count('converted'),
    failed: count('failed'),
    planned: count('planned'),
    bytesBefore: models.reduce(
      (n, m) => n + (m.status === 'converted' ? (m.bytesBefore ?? 0) : 0),
      0,
    ),
    bytesAfter: models.reduce((n, m) => n + (m.bytesAfter ?? 0), 0),
  };
}
