/** `clipq inspect <model.json>`: prints lib/inspect's result as text or JSON. */
import '../lib/quiet.js';
import { type ArgsDef, defineCommand } from 'citty';
import { setupBackend } from '../lib/backend.js';
import { type InspectResult, inspect } from '../lib/inspect.js';
import {
  assertKnownFlags,
  COMMON_ARGS,
  formatBytes,
  humanStream,
  jsonSafe,
  printJson,
} from './shared.js';

export const examples = [
  'clipq inspect models/mnist/model.json',
  'clipq inspect int8/mnist/model.json --source models/mnist/model.json',
  'clipq inspect int8/mnist/model.json --json | jq .weights',
];

const args = {
  model: { type: 'positional', description: 'The model.json to inspect', required: true },
  source: {
    type: 'string',
    description: 'The float model it was converted from (adds per-weight SQNR)',
  },
  json: { type: 'boolean', description: 'Print one JSON document on stdout', default: false },
  ...COMMON_ARGS,
} satisfies ArgsDef;

function printHuman(r: InspectResult, stream: NodeJS.WriteStream): void {
  stream.write(
    `${r.file}\n  format: ${r.format}${r.clipq ? ` (clipq v${r.clipq.formatVersion}${r.clipq.portable ? ', portable' : ''}${r.clipq.weightsOnly ? ', weights only' : `, ${r.clipq.activations} activation ranges`})` : ''}\n`,
  );
  stream.write(
    `  ${Object.entries(r.structure)
      .map(([k, v]) => `${k}×${v}`)
      .join(', ')}\n`,
  );
  stream.write(
    `  ${r.parameters} parameters, ${formatBytes(r.bytes.total)} (model.json ${formatBytes(r.bytes.json)}, weights ${formatBytes(r.bytes.weights)})\n`,
  );
  for (const w of r.weights) {
    const sqnr =
      w.sqnrDb == null ? '' : `  SQNR ${Number.isFinite(w.sqnrDb) ? w.sqnrDb.toFixed(1) : '∞'} dB`;
    stream.write(
      `  ${w.name} [${w.shape.join('×')}] ${w.storage} ${w.bits}-bit ${w.scheme} range [${w.range[0].toPrecision(4)}, ${w.range[1].toPrecision(4)}]${sqnr}\n`,
    );
  }
}

export default defineCommand({
  meta: {
    name: 'inspect',
    description: 'Show a model’s format, structure, sizes and weight quantization',
  },
  args,
  async run({ rawArgs, args: values }) {
    assertKnownFlags(rawArgs, args, 'inspect');
    await setupBackend('cpu');
    const result = await inspect(values.model, values.source ?? null);
    printHuman(result, humanStream(values.json));
    if (values.json) printJson(jsonSafe({ command: 'inspect', ...result }));
    return 0;
  },
});
