/**
 * `clipq convert`: discovers the models, converts them in worker threads, writes each output
 * atomically, and returns one structured result. A bad model is reported and never stops the batch.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConvertedModel } from './convert_model.js';
import {
  type ConvertRequest,
  type ConvertResult,
  dryRun,
  failedReport,
  type ModelReport,
  summarize,
} from './convert_result.js';
import { discoverModels, outputPath } from './discover.js';
import { errorMessage } from './errors.js';
import { installCleanupHandlers, writeModelAtomically } from './model_io/write_model.js';
import { createProgress } from './progress.js';
import { writeReport } from './report/write_report.js';
import { ConversionPool } from './worker_pool.js';

export type { ConvertRequest, ConvertResult, ModelReport, ModelStatus } from './convert_result.js';

export async function convert(request: ConvertRequest): Promise<ConvertResult> {
  const started = performance.now();
  const discovered = await discoverModels(request.inputs);
  const targets = discovered.map((d) => ({
    file: d.file,
    output: request.out == null ? null : outputPath(request.out, d),
  }));
  if (request.dryRun) {
    const models = await Promise.all(
      targets.map((t) => dryRun(t.file, t.output, request.options, request.force)),
    );
    return {
      ok: models.every((m) => m.status !== 'failed'),
      models,
      summary: summarize(models),
      report: null,
      ms: performance.now() - started,
    };
  }
  installCleanupHandlers();
  const outputs = new Map<string, number>();
  for (const t of targets)
    if (t.output) outputs.set(resolve(t.output), (outputs.get(resolve(t.output)) ?? 0) + 1);
  const precheck = targets.map(({ file, output }): ModelReport | null => {
    const now = performance.now();
    const fail = (message: string) => failedReport(file, output, message, now);
    if (output == null) return fail('no --out directory');
    if (resolve(output) === resolve(file)) return fail('output would overwrite the input model');
    if (outputs.get(resolve(output))! > 1)
      return fail(`several inputs map to the output '${output}'`);
    if (!request.force && existsSync(output))
      return fail(`output '${output}' exists (use --force to overwrite)`);
    return null;
  });
  const pending = targets.filter((_, i) => precheck[i] == null);
  // Workers start only when something is left to convert (each one loads tfjs).
  const slots = Math.max(1, Math.min(request.jobs, pending.length));
  const progress = createProgress(pending.length, slots, request.progress && pending.length > 0);
  const pool = pending.length === 0 ? null : new ConversionPool(slots, request.options, progress);
  try {
    const models = await Promise.all(
      targets.map(async ({ file, output }, i): Promise<ModelReport> => {
        const early = precheck[i];
        if (early != null) return early;
        const begin = performance.now();
        const reply = await pool!.convert(file);
        if (reply.type === 'failed') {
          return failedReport(file, output, reply.reason ?? reply.message, begin, reply.stack);
        }
        return await writeConverted(file, output!, reply.result, request.force, begin);
      }),
    );
    progress.stop();
    const report = request.report == null ? null : await writeReport(request.report, models);
    return {
      ok: models.every((m) => m.status === 'converted'),
      models,
      summary: summarize(models),
      report,
      ms: performance.now() - started,
    };
  } finally {
    progress.stop();
    await pool?.close();
  }
}

async function writeConverted(
  file: string,
  output: string,
  result: ConvertedModel,
  force: boolean,
  begin: number,
): Promise<ModelReport> {
  try {
    const written = await writeModelAtomically(output, result.serialized, { force });
    return {
      file,
      output,
      status: 'converted',
      format: result.format,
      bytesBefore: result.inputBytes,
      bytesAfter: written.bytes,
      ms: performance.now() - begin,
      outputSqnrDb: result.outputSqnrDb,
      argmaxAgreement: result.argmaxAgreement,
      layers: result.layers,
      notes: result.notes,
    };
  } catch (error) {
    return failedReport(file, output, errorMessage(error), begin);
  }
}
