#!/usr/bin/env node
/**
 * The installed `clipq` command. A checked-in shim, so package managers can link it before the first
 * build (the compiled CLI is dist/bin.js).
 */
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('clipq: @clipq/cli is not built yet; run `pnpm build` first\n');
  process.exit(1);
}
await import(compiled.href);
