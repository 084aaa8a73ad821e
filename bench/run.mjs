#!/usr/bin/env node
/**
 * `pnpm bench [--backend cpu|wasm|webgl|cli] [--quick] [--no-build]`: builds the selected backends (turbo,
 * with their dependencies), then runs each one's runner
 * (bench/runners/<backend>.mjs, which exports `run({quick}) → rows`) and writes
 * bench/results/<backend>.json in the BRIEF 3.3 format (written to a temp file, then renamed).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    quick: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const available = ['cpu', 'wasm', 'webgl', 'cli'].filter((b) =>
  existsSync(join(here, 'runners', `${b}.mjs`)),
);
const backends = values.backend ?? available.filter((b) => b !== 'cli');
for (const backend of backends) {
  if (!available.includes(backend)) {
    console.error(`bench: no runner for backend '${backend}' (have: ${available.join(', ')})`);
    process.exit(2);
  }
}

// Build only what the selected runners import (a backend; turbo adds its dependencies through
// `dependsOn: ["^build"]`), not the whole workspace: after a source change that is ~13 s of CPU for
// cpu instead of ~37 s for everything.
if (!values['no-build']) {
  const turbo = join(here, '..', 'node_modules', '.bin', 'turbo');
  const filters = backends.map((b) => `--filter=@clipq/${b === 'cli' ? 'cli' : `backend-${b}`}`);
  const built = spawnSync(turbo, ['run', 'build', '--output-logs=errors-only', ...filters], {
    stdio: 'inherit',
  });
  if (built.status !== 0) {
    console.error(`bench: the build failed (turbo exit ${built.status ?? built.signal})`);
    process.exit(1);
  }
}

await mkdir(join(here, 'results'), { recursive: true });
for (const backend of backends) {
  const started = Date.now();
  const { run } = await import(`./runners/${backend}.mjs`);
  const { rows, meta = {} } = await run({ quick: values.quick });
  if (backend === 'cpu' || backend === 'wasm') {
    // End-to-end int8 runtime rows, measured on the backend the runner left active.
    const { e2eRows } = await import('./e2e.mjs');
    rows.push(
      ...(await e2eRows({
        quick: values.quick,
        backendLabel: backend,
        progress: (m) => console.error(`[${backend}] ${m}`),
      })),
    );
  }
  const tfjs = JSON.parse(
    await import('node:fs').then((fs) =>
      fs.readFileSync(
        join(here, '..', 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'),
        'utf8',
      ),
    ),
  ).version;
  const doc = {
    backend,
    node: process.version,
    tfjs,
    date: new Date().toISOString(),
    quick: values.quick,
    ...meta,
    rows,
  };
  const out = join(here, 'results', `${backend}.json`);
  await writeFile(`${out}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  await rename(`${out}.tmp`, out);
  printTable(backend, rows);
  console.log(`wrote ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
