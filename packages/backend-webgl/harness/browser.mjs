/**
 * The real-browser harness shared by the vitest suite and `bench/runners/webgl.mjs`.
 *
 * It bundles one in-page entry with esbuild, serves it on 127.0.0.1 (never another interface: the
 * machines running it have no network and need none), and drives Debian's Chromium through
 * playwright-core with SwiftShader WebGL2. The page publishes `window.__clipq` when it is ready;
 * callers talk to it with `page.evaluate`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Where Chromium is expected: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/**
 * Null when Chromium exists. Otherwise the reason to skip, or throws when `CI=true`, where a missing
 * browser must fail the run instead of silently passing it.
 */
export function browserSkipReason() {
  const path = chromiumPath();
  if (existsSync(path)) return null;
  const reason = `Chromium not found at ${path}; install with apt-get install -y chromium (or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true')
    throw new Error(`browser tests cannot run with CI=true: ${reason}`);
  return reason;
}

/** The directory holding tfjs-backend-wasm's .wasm binaries, served at /wasm/. */
function wasmDirectory() {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

async function bundle(entry) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
    // tfjs-backend-wasm's emscripten glue, and core's file-system model handler (unused in pages),
    // mention Node modules a browser never loads.
    external: ['fs', 'path', 'crypto', 'worker_threads', 'perf_hooks', 'os', 'util', 'node:*'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0].text;
}

const PAGE =
  '<!doctype html><meta charset="utf-8"><title>clipq</title><script type="module" src="/app.js"></script>';

async function serve(appSource) {
  const wasmDir = wasmDirectory();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    try {
      if (url.pathname === '/' || url.pathname === '/index.html') {
        response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else if (url.pathname === '/app.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(appSource);
      } else if (url.pathname.startsWith('/wasm/') && url.pathname.endsWith('.wasm')) {
        const file = join(wasmDir, url.pathname.slice('/wasm/'.length).replace(/[/\\]/g, ''));
        response.writeHead(200, { 'content-type': 'application/wasm' }).end(await readFile(file));
      } else {
        response.writeHead(404).end();
      }
    } catch (error) {
      response.writeHead(500).end(String(error));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * Opens `harness/page/<name>.ts` (with an optional `?query`) in a fresh headless Chromium and waits
 * for `window.__clipq`.
 * @returns {Promise<{page: import('playwright-core').Page, close(): Promise<void>, console: string[]}>}
 */
export async function openPage(name, { timeoutMs = 90_000, query = '' } = {}) {
  const appSource = await bundle(join(here, 'page', `${name}.ts`));
  const server = await serve(appSource);
  const userDataDir = await mkdtemp(join(tmpdir(), 'clipq-chromium-'));
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const close = async () => {
    await context.close().catch(() => {});
    await new Promise((resolve) => server.close(resolve));
    await rm(userDataDir, { recursive: true, force: true });
  };
  const consoleLines = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    const { port } = server.address();
    await page.goto(`http://127.0.0.1:${port}/${query}`);
    await page.waitForFunction(
      () => globalThis.__clipq?.ready === true || globalThis.__clipq?.error,
      null,
      {
        timeout: timeoutMs,
      },
    );
    const error = await page.evaluate(() => globalThis.__clipq.error ?? null);
    if (error) throw new Error(`page setup failed: ${error}`);
    return { page, close, console: consoleLines };
  } catch (error) {
    await close();
    throw new Error(`${error.message}\n${consoleLines.join('\n')}`);
  }
}
