#!/usr/bin/env node
/**
 * The `clipq` binary: it only parses and dispatches. Subcommands load lazily; their work lives in
 * src/lib and returns structured results. Exit codes (BRIEF 3.5): 0 success, 1 some input failed,
 * 2 usage error. Errors print as one line; `--verbose` adds the stack.
 */
import { type CommandDef, defineCommand, renderUsage, runCommand } from 'citty';
import { errorMessage, UsageError } from './lib/errors.js';

interface CommandModule {
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own args type
  default: CommandDef<any>;
  examples: string[];
}

const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  convert: () => import('./commands/convert.js'),
  inspect: () => import('./commands/inspect.js'),
  bench: () => import('./commands/bench.js'),
  demo: () => import('./commands/demo.js'),
};

const ROOT_EXAMPLES = [
  'clipq convert models/ --out int8/ --calibration calib.npy --report report.html',
  'clipq inspect int8/mnist/model.json --json',
  'clipq bench int8/mnist/model.json --backend cpu --batch 8',
  'clipq demo',
];

const main = defineCommand({
  meta: {
    name: 'clipq',
    version: '0.1.0',
    description: 'Batch int8 conversion, inspection and benchmarks for TF.js models',
  },
  args: {
    verbose: { type: 'boolean', description: 'Print stack traces with errors' },
    help: { type: 'boolean', alias: 'h', description: 'Show help (also: clipq <command> --help)' },
    version: { type: 'boolean', alias: 'v', description: 'Show the version' },
  },
  subCommands: Object.fromEntries(
    Object.entries(COMMANDS).map(([name, load]) => [name, () => load().then((m) => m.default)]),
  ),
});

async function help(name: string | undefined, stream: NodeJS.WriteStream): Promise<string> {
  const module = name ? await COMMANDS[name]!() : null;
  const usage = module ? await renderUsage(module.default, main) : await renderUsage(main);
  const examples = module?.examples ?? ROOT_EXAMPLES;
  const text = `${usage}\n\nExamples:\n\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI color codes off a TTY
  return stream.isTTY ? text : text.replace(/\u001b\[[0-9;]*m/g, '');
}

function isCittyUsageError(error: unknown): boolean {
  return (error as { name?: string })?.name === 'CLIError';
}

async function run(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const command = argv.find((a) => !a.startsWith('-'));
  const known = command != null && command in COMMANDS;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(await help(known ? command : undefined, process.stdout));
    return command == null || known ? 0 : 2;
  }
  if (command == null && (argv.includes('--version') || argv.includes('-v'))) {
    process.stdout.write('0.1.0\n');
    return 0;
  }
  if (command == null) {
    process.stderr.write(await help(undefined, process.stderr));
    process.stderr.write('\nclipq: no command given\n');
    return 2;
  }
  if (!known) {
    process.stderr.write(
      `clipq: unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; see 'clipq --help')\n`,
    );
    return 2;
  }
  try {
    const sub = (await COMMANDS[command]!()).default;
    const { result } = await runCommand(sub, { rawArgs: argv.slice(argv.indexOf(command) + 1) });
    return typeof result === 'number' ? result : 0;
  } catch (error) {
    const usage = error instanceof UsageError || isCittyUsageError(error);
    // citty colors its messages; one plain line is easier to read and to grep.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI color codes
    const message = errorMessage(error).replace(/\u001b\[[0-9;]*m/g, '');
    process.stderr.write(
      `clipq ${command}: ${message}${usage ? ` (see 'clipq ${command} --help')` : ''}\n`,
    );
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    const exitCode = usage ? 2 : 1;
    // With --json, stdout still carries one JSON document.
    if (argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify({ command, ok: false, exitCode, error: message })}\n`);
    }
    return exitCode;
  }
}

const code = await run(process.argv.slice(2));
// Workers and tfjs timers must not keep a finished CLI alive.
process.exitCode = code;
setImmediate(() => process.exit(code));
