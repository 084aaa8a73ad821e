#!/usr/bin/env node
/**
 * Compiles the AssemblyScript SIMD module (src/as) to dist/clipq.wasm with the npm `assemblyscript`
 * compiler. The flags make a module that can live in tfjs-wasm's heap: it imports the memory
 * (`--importMemory`), has no runtime, no stack and no data segments (`--runtime stub`, `--noAssert`,
 * `--use abort=` drop the abort message strings), and the build fails if a data segment appears anyway.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'clipq.wasm');
await mkdir(dirname(out), { recursive: true });
const { error, stderr } = await asc.main([
  join(root, 'src', 'as', 'index.ts'),
  '--enable',
  'simd',
  '--runtime',
  'stub',
  '--importMemory',
  '--noAssert',
  '--use',
  'abort=',
  '-O3',
  '--outFile',
  out,
]);
if (error) {
  console.error(stderr.toString());
  throw error;
}
const module = new WebAssembly.Module(await readFile(out));
const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
if (imports.join() !== 'env.memory')
  throw new Error(`clipq.wasm must import only env.memory, got ${imports}`);
const bytes = new Uint8Array(await readFile(out));
if (hasSection(bytes, 11))
  throw new Error('clipq.wasm has a data section: it would overwrite the host heap');
console.log(`built ${out} (${bytes.length} bytes)`);

/** True when the module has a section with this id (11 = data). */
function hasSection(wasm, id) {
  let offset = 8;
  while (offset < wasm.length) {
    const sectionId = wasm[offset++];
    let size = 0;
    let shift = 0;
    let byte;
    do {
      byte = wasm[offset++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    if (sectionId === id) return true;
    offset += size;
  }
  return false;
}
