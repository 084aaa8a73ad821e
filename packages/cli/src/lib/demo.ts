/**
 * `clipq demo` = `pnpm demo`: runs the repository's demo script (examples/mnist-demo when it exists,
 * else the interim scripts/range-demo.mjs), inheriting stdio, and returns its exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest ancestor whose package.json defines a `demo` script. */
export function findDemoRoot(start = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const scripts = (
        JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> }
      ).scripts;
      if (scripts?.demo != null && existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function runDemo(): Promise<number> {
  const root = findDemoRoot();
  if (root == null) {
    throw new Error(
      'the demo ships with the clipq repository; run clipq demo from a clipq checkout',
    );
  }
  // The same command as the root `pnpm demo` script.
  const command = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts.demo!;
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd: root, stdio: 'inherit', shell: true });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}
