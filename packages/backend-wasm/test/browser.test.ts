import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package in a real browser (Debian's headless Chromium via playwright-core): the page bundle is
// built with esbuild, clipq.wasm and tfjs-wasm's binaries are served on 127.0.0.1, and core's
// conformance suite runs in the page on 'wasm'.
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skipReason = existsSync(chromium)
  ? null
  : `Chromium not found at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
if (skipReason && process.env.CI === 'true')
  throw new Error(`browser test cannot run with CI=true: ${skipReason}`);
if (skipReason) console.warn(`skipping the browser test: ${skipReason}`);

async function bundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [join(here, 'browser', 'page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    // tfjs-backend-wasm's emscripten glue mentions Node modules it never loads in a browser, and core's
    // folder IO handler imports `node:` modules dynamically, only when it is used.
    external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'util', 'node:*'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0]!.text;
}

async function serve(app: string) {
  const tfjsWasm = dirname(
    require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
  );
  const clipqWasm = await readFile(join(here, '..', 'dist', 'clipq.wasm'));
  const page = '<!doctype html><meta charset="utf-8"><script type="module" src="/app.js"></script>';
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (path === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(page);
    else if (path === '/app.js')
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(app);
    else if (path === '/clipq.wasm')
      response.writeHead(200, { 'content-type': 'application/wasm' }).end(clipqWasm);
    else if (path.startsWith('/wasm/') && path.endsWith('.wasm')) {
      const file = join(tfjsWasm, path.slice('/wasm/'.length).replace(/[/\\]/g, ''));
      response.writeHead(200, { 'content-type': 'application/wasm' }).end(await readFile(file));
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('in headless Chromium', () => {
  it.skipIf(skipReason !== null)(
    'loads clipq.wasm from setClipqWasmPath and passes the conformance suite',
    async () => {
      const server = await serve(await bundle());
      const userDataDir = await mkdtemp(join(tmpdir(), 'clipq-wasm-chromium-'));
      const { chromium: browserType } = await import('playwright-core');
      const context = await browserType.launchPersistentContext(userDataDir, {
        executablePath: chromium,
        headless: true,
        args: [
          '--headless=new',
          '--no-sandbox',
          '--disable-background-networking',
          '--disable-component-update',
        ],
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const { port } = server.address() as AddressInfo;
        await page.goto(`http://127.0.0.1:${port}/`);
        await page.waitForFunction(
          () => {
            const state = (
              globalThis as unknown as { __clipq?: { ready: boolean; error?: string } }
            ).__clipq;
            return state?.ready === true || state?.error !== undefined;
          },
          null,
          { timeout: 110_000 },
        );
        const state = (await page.evaluate(
          () => (globalThis as unknown as { __clipq: unknown }).__clipq,
        )) as {
          error?: string;
          report: { passed: string[]; failed: Array<{ name: string; error: string }> };
          stats: { simd: Record<string, number>; impl: Record<string, number> };
          zeroCopy: boolean | null;
        };
        expect(state.error).toBeUndefined();
        expect(state.report.failed).toEqual([]);
        expect(state.report.passed.length).toBeGreaterThan(100);
        expect(state.stats.impl, 'every call ran clipq.wasm').toEqual({});
        expect(Object.keys(state.stats.simd).length).toBe(5);
        console.info(
          `browser: ${state.report.passed.length} cases passed, zero-copy: ${state.zeroCopy}`,
        );
      } finally {
        await context.close().catch(() => {});
        await new Promise((resolve) => server.close(resolve));
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  );
});
