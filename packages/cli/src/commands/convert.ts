/** `clipq convert <inputs…>`: argument definitions, validation, and printing; the work is lib/convert. */
import '../lib/quiet.js';
import { existsSync } from 'node:fs';
import { type ArgsDef, defineCommand } from 'citty';
import { type ConvertResult, convert } from '../lib/convert.js';
import { UsageError } from '../lib/errors.js';
import { DEFAULT_LIMITS } from '../lib/model_io/limits.js';
import type { BackendName, CalibrationMethod, ConversionOptions } from '../lib/options.js';
import {
  assertKnownFlags,
  COMMON_ARGS,
  formatBytes,
  humanStream,
  jsonSafe,
  parseInteger,
  printJson,
} from './shared.js';

export const examples = [
  'clipq convert models/ --out int8/ --calibration calib.npy',
  'clipq convert "zoo/**/model.json" --out int8/ --jobs 2 --report report.html',
  'clipq convert mnist/model.json --out portable/ --portable --json > result.json',
  'clipq convert models/ --out int8/ --dry-run',
];

const args = {
  inputs: {
    type: 'positional',
    description: 'model.json files, folders (searched recursively) or globs',
    required: true,
  },
  out: {
    type: 'string',
    alias: 'o',
    description: 'Output folder; the input tree is mirrored under it',
  },
  bits: { type: 'string', description: 'Weight and activation bits, 2..8', default: '8' },
  'per-channel': { type: 'boolean', description: 'Quantize weights per output channel (default)' },
  'per-tensor': { type: 'boolean', description: 'Quantize weights per tensor' },
  'weights-only': {
    type: 'boolean',
    description: 'Quantize weights only; activations stay float',
    default: false,
  },
  calibration: {
    type: 'string',
    description:
      'Calibration inputs: a .npy (float32/uint8), a .json array, or a folder of PNG/JPEG images',
  },
  'calibration-method': {
    type: 'enum',
    options: ['minmax', 'percentile', 'mse'],
    description: 'How activation ranges are chosen',
    default: 'minmax',
  },
  portable: {
    type: 'boolean',
    description: 'Keep stock ops; weights in stock uint8 encoding (loads in plain tfjs)',
    default: false,
  },
  backend: {
    type: 'enum',
    options: ['cpu', 'wasm'],
    description: 'tfjs backend used for calibration',
    default: 'cpu',
  },
  jobs: {
    type: 'string',
    alias: 'j',
    description: 'Models converted in parallel (worker threads)',
    default: '1',
  },
  json: {
    type: 'boolean',
    description: 'Print one JSON document on stdout (human output on stderr)',
    default: false,
  },
  force: { type: 'boolean', alias: 'f', description: 'Overwrite existing outputs', default: false },
  'dry-run': {
    type: 'boolean',
    description: 'Validate inputs and list outputs without converting',
    default: false,
  },
  report: { type: 'string', description: 'Write a self-contained HTML report to this file' },
  'max-weight-bytes': {
    type: 'string',
    description: `Refuse models declaring more weight bytes (default ${DEFAULT_LIMITS.maxWeightBytes})`,
  },
  ...COMMON_ARGS,
} satisfies ArgsDef;

function options(values: Record<string, unknown>): ConversionOptions {
  if (values['per-channel'] && values['per-tensor'])
    throw new UsageError('--per-channel and --per-tensor exclude each other');
  const calibration = (values.calibration as string | undefined) ?? null;
  if (calibration != null && !existsSync(calibration))
    throw new UsageError(`--calibration '${calibration}' does not exist`);
  return {
    bits: parseInteger(values.bits, 'bits', 2, 8),
    perChannel: !values['per-tensor'],
    weightsOnly: Boolean(values['weights-only']),
    calibration,
    calibrationMethod: values['calibration-method'] as CalibrationMethod,
    portable: Boolean(values.portable),
    backend: values.backend as BackendName,
    collectReport: values.report != null,
    maxWeightBytes:
      values['max-weight-bytes'] == null
        ? DEFAULT_LIMITS.maxWeightBytes
        : parseInteger(values['max-weight-bytes'], 'max-weight-bytes', 1, Number.MAX_SAFE_INTEGER),
  };
}

function printHuman(result: ConvertResult, stream: NodeJS.WriteStream): void {
  for (const m of result.models) {
    if (m.status === 'failed') stream.write(`✗ ${m.file}: ${m.error}\n`);
    else if (m.status === 'planned')
      stream.write(
        `· ${m.file} (${m.format}, ${formatBytes(m.bytesBefore)}) → ${m.output ?? '(no --out)'}\n`,
      );
    else {
      const quality =
        m.argmaxAgreement == null
          ? ''
          : `, argmax ${(m.argmaxAgreement * 100).toFixed(1)}%, output SQNR ${Number.isFinite(m.outputSqnrDb) ? (m.outputSqnrDb as number).toFixed(1) : '∞'} dB`;
      stream.write(
        `✓ ${m.file} → ${m.output} (${m.format}, ${formatBytes(m.bytesBefore)} → ${formatBytes(m.bytesAfter)}${quality}, ${Math.round(m.ms)} ms)\n`,
      );
      for (const note of m.notes ?? []) stream.write(`    note: ${note}\n`);
    }
  }
  const s = result.summary;
  stream.write(
    `${s.converted} converted, ${s.failed} failed${s.planned ? `, ${s.planned} planned` : ''} in ${(result.ms / 1000).toFixed(1)} s` +
      (result.report ? `; report: ${result.report}` : '') +
      '\n',
  );
}

/** The `--json` document: histograms and stacks are left out. */
export function convertJson(result: ConvertResult, exitCode: number): unknown {
  return jsonSafe({
    command: 'convert',
    ok: result.ok,
    exitCode,
    summary: result.summary,
    report: result.report,
    ms: Math.round(result.ms),
    models: result.models.map(({ stack: _stack, layers, ...m }) => ({
      ...m,
      ms: Math.round(m.ms),
      ...(layers
        ? { layers: layers.map(({ weightHistogram: _w, activationHistogram: _a, ...l }) => l) }
        : {}),
    })),
  });
}

export default defineCommand({
  meta: {
    name: 'convert',
    description: 'Convert TF.js layers and graph models to int8 clipq models',
  },
  args,
  async run({ rawArgs, args: values }) {
    assertKnownFlags(rawArgs, args, 'convert');
    const inputs = (values._ as string[]).filter((v) => v.length > 0);
    const conversion = options(values);
    if (values.out == null && !values['dry-run'])
      throw new UsageError('--out DIR is required (or use --dry-run)');
    const json = Boolean(values.json);
    const result = await convert({
      inputs,
      out: (values.out as string | undefined) ?? null,
      options: conversion,
      jobs: parseInteger(values.jobs, 'jobs', 1, 64),
      force: Boolean(values.force),
      dryRun: Boolean(values['dry-run']),
      report: (values.report as string | undefined) ?? null,
      progress: !json,
    });
    const exitCode = result.ok ? 0 : 1;
    printHuman(result, humanStream(json));
    if (values.verbose) {
      for (const m of result.models) if (m.stack) process.stderr.write(`${m.file}:\n${m.stack}\n`);
    }
    if (json) printJson(convertJson(result, exitCode));
    return exitCode;
  },
});
