/**
 * Turns command-line inputs (model.json files, folders searched recursively, globs) into model files,
 * each with the relative path its output takes under `--out` (the input tree is mirrored).
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from './errors.js';

export interface DiscoveredModel {
  file: string;
  /** Output path relative to `--out`. */
  relativeOutput: string;
}

/** Files in a folder that are treated as models: `model.json` and `*model.json` (e.g. `mnist-model.json`). */
const MODEL_PATTERN = '**/*model.json';

export async function discoverModels(
  inputs: string[],
  cwd = process.cwd(),
): Promise<DiscoveredModel[]> {
  if (inputs.length === 0)
    throw new UsageError('no inputs: give model.json files, folders or globs');
  const found = new Map<string, DiscoveredModel>();
  const add = (file: string, root: string) => {
    const full = resolve(cwd, file);
    if (!found.has(full)) found.set(full, { file: full, relativeOutput: relative(root, full) });
  };
  for (const input of inputs) {
    const full = resolve(cwd, input);
    const info = await stat(full).catch(() => null);
    if (info?.isFile()) {
      // A file keeps its path relative to the working directory (or its folder's name outside it).
      const inside = !relative(cwd, full).startsWith('..');
      add(full, inside ? cwd : dirname(dirname(full)));
    } else if (info?.isDirectory()) {
      const files = await glob(MODEL_PATTERN, {
        cwd: full,
        absolute: true,
        dot: false,
        ignore: ['**/node_modules/**'],
      });
      for (const file of files.sort()) add(file, full);
    } else if (isDynamicPattern(input)) {
      const files = await glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      for (const file of files.filter((f) => f.endsWith('.json')).sort()) add(file, cwd);
    } else {
      throw new UsageError(`input '${input}' does not exist`);
    }
  }
  return [...found.values()];
}

export function outputPath(out: string, model: DiscoveredModel): string {
  return join(resolve(out), dirname(model.relativeOutput), basename(model.relativeOutput));
}
