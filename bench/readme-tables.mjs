#!/usr/bin/env node
/**
 * Rewrites the README's benchmark section (between the bench-tables markers) from
 * bench/results/<backend>.json, so the tables always show measured numbers.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- bench-tables -->';
const END = '<!-- /bench-tables -->';

const sections = [];
for (const backend of ['cpu', 'wasm', 'webgl', 'cli']) {
  const file = join(root, 'bench', 'results', `${backend}.json`);
  if (!existsSync(file)) continue;
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const lines = [
    `**${backend}** — ${doc.date.slice(0, 10)}, Node ${doc.node}, tfjs ${doc.tfjs}${doc.quick ? ', `--quick`' : ''}${doc.machine ? `, ${doc.machine}` : ''}`,
    '',
    '| kernel | shape | ours ms | baseline | baseline ms | ratio | exact | weight bytes |',
    '|---|---|---:|---|---:|---:|:---:|---:|',
  ];
  for (const row of doc.rows) {
    const cells = [
      row.kernel,
      row.shape,
      row.ours_ms,
      row.baseline,
      row.baseline_ms,
      row.ratio,
      row.exact ?? '',
      row.bytes_per_param !== undefined
        ? `${row.weight_bytes} (${row.bytes_per_param} B/param)`
        : (row.weight_bytes ?? ''),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  sections.push(lines.join('\n'));
}
const machine = `Measured on a shared 2-vCPU machine (${cpus()[0]?.model ?? 'unknown CPU'}); ratios are what to compare, since absolute times vary with load.`;
const body = `${START}\n${machine}\n\n${sections.join('\n\n')}\n${END}`;
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
if (start < 0) throw new Error(`README.md has no ${START} marker`);
const endMarker = readme.indexOf(END);
const end = endMarker < 0 ? start + START.length : endMarker + END.length;
writeFileSync(`${readmePath}.tmp`, readme.slice(0, start) + body + readme.slice(end));
renameSync(`${readmePath}.tmp`, readmePath);
console.log(`README.md: wrote ${sections.length} benchmark tables`);
