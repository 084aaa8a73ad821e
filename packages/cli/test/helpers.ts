/** Test helpers: generated fixtures in a temp folder, and the real CLI run as a subprocess. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = join(packageDir, 'bin', 'clipq.mjs');

export interface Fixtures {
  root: string;
  batch: string;
  mlp: string;
  cnnUint8: string;
  graph: string;
  calibration: string;
  calibrationUint8: string;
  calibrationJson: string;
  images: string;
  test: string;
  huge: string;
  nan: string;
  bad: { truncated: string; dir: string };
}

export async function makeFixtures(): Promise<Fixtures> {
  const root = mkdtempSync(join(tmpdir(), 'clipq-cli-'));
  const module = (await import(join(packageDir, 'scripts', 'fixtures.mjs'))) as {
    makeFixtures(root: string): Promise<Fixtures>;
  };
  return module.makeFixtures(root);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: options.cwd ?? packageDir,
        env: { ...process.env, ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}

/** Every file under `dir`, relative paths, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else out.push(`${prefix}${name}`);
    }
  };
  try {
    walk(dir, '');
  } catch {
    return [];
  }
  return out.sort();
}
