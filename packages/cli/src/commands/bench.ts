/** `clipq bench <model.json>`: float against int8 latency, as ratios, on the installed backends. */
import '../lib/quiet.js';
import { type ArgsDef, defineCommand } from 'citty';
import { type BenchResult, benchModel } from '../lib/bench.js';
import { UsageError } from '../lib/errors.js';
import {
  assertKnownFlags,
  COMMON_ARGS,
  humanStream,
  jsonSafe,
  parseInteger,
  printJson,
} from './shared.js';

export const examples = [
  'clipq bench int8/mnist/model.json',
  'clipq bench int8/mnist/model.json --backend wasm --batch 32',
  'clipq bench models/mnist/model.json --json',
];

const args = {
  model: {
    type: 'positional',
    description: 'A float model or a clipq model (its float twin is rebuilt)',
    required: true,
  },
  backend: {
    type: 'string',
    description: 'Backends to run, comma separated (default: every installed one)',
  },
  batch: { type: 'string', description: 'Batch size of the timed inputs', default: '1' },
  runs: { type: 'string', description: 'Timed runs per variant (median reported)', default: '20' },
  json: { type: 'boolean', description: 'Print one JSON document on stdout', default: false },
  ...COMMON_ARGS,
} satisfies ArgsDef;

function printHuman(r: BenchResult, stream: NodeJS.WriteStream): void {
  stream.write(`${r.file} (${r.format}), batch ${r.batch}, median of ${r.runs} runs\n`);
  for (const row of r.rows) {
    stream.write(
      `  ${row.backend.padEnd(5)} float ${row.floatMs.toFixed(3)} ms  int8 ${row.int8Ms.toFixed(3)} ms  ratio ${row.ratio.toFixed(2)}x${row.clipqKernels ? '' : ' (reference kernels)'}\n`,
    );
  }
}

export default defineCommand({
  meta: {
    name: 'bench',
    description: 'Compare float and int8 latency of one model on installed backends',
  },
  args,
  async run({ rawArgs, args: values }) {
    assertKnownFlags(rawArgs, args, 'bench');
    const backends =
      values.backend
        ?.split(',')
        .map((b) => b.trim())
        .filter(Boolean) ?? null;
    for (const b of backends ?? [])
      if (b !== 'cpu' && b !== 'wasm')
        throw new UsageError(`--backend must be cpu or wasm, got '${b}'`);
    const result = await benchModel(values.model, {
      backends,
      batch: parseInteger(values.batch, 'batch', 1, 4096),
      runs: parseInteger(values.runs, 'runs', 3, 10000),
    });
    printHuman(result, humanStream(values.json));
    if (values.json) printJson(jsonSafe({ command: 'bench', ...result }));
    return 0;
  },
});
