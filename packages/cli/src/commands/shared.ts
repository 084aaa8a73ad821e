/** Helpers every subcommand shares: strict flag checking, number parsing, and where output goes. */
import type { ArgsDef } from 'citty';
import { UsageError } from '../lib/errors.js';

/** Flags every command accepts (handled by the bin). */
export const COMMON_ARGS = {
  verbose: { type: 'boolean', description: 'Print stack traces with errors', default: false },
  help: { type: 'boolean', alias: 'h', description: 'Show this help', default: false },
} satisfies ArgsDef;

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** citty accepts unknown flags silently; clipq treats them as usage errors (exit 2). */
export function assertKnownFlags(rawArgs: string[], args: ArgsDef, command: string): void {
  const known = new Set<string>();
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue;
    known.add(kebab(name));
    const alias = (def as { alias?: string | string[] }).alias;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) known.add(a);
    if (def.type === 'boolean') known.add(`no-${kebab(name)}`);
  }
  for (const raw of rawArgs) {
    if (raw === '--') break;
    if (!raw.startsWith('-') || /^-\d/.test(raw)) continue;
    const name = raw.replace(/^-{1,2}/, '').split('=')[0]!;
    if (!known.has(name))
      throw new UsageError(`unknown option '${raw.split('=')[0]}' for '${command}'`);
  }
}

export function parseInteger(value: unknown, flag: string, min: number, max: number): number {
  const text = String(value);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer in ${min}..${max}, got '${text}'`);
  }
  return n;
}

/** Human output goes to stdout, or to stderr when `--json` owns stdout. */
export function humanStream(json: boolean): NodeJS.WriteStream {
  return json ? process.stderr : process.stdout;
}

export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}

export function formatBytes(v: number | undefined): string {
  if (v == null) return '?';
  if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(2)} MiB`;
  if (v >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
  return `${v} B`;
}

/** JSON has no Infinity: exact SQNRs are written as the string "Infinity". */
export function jsonSafe(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, v) =>
      typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
    ),
  );
}
