import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClipqFakeQuant, fakeQuant, fakeQuantImpl } from '@clipq/core';
import { setBackend, tensor1d } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clipqWasmKernelStats,
  clipqWasmLoadError,
  ready,
  registerClipqWasmKernels,
  resetClipqWasmKernelStats,
  setClipqWasmPath,
} from '../src/base.js';
import { expectSameBits } from './bits.js';

// The browser story, in Node: clipq.wasm at an http URL is fetched and compiled asynchronously. Until
// `ready()` resolves the kernels compute with core's Impl (same results), afterwards with SIMD.
const wasm = await readFile(new URL('../dist/clipq.wasm', import.meta.url));
const server = createServer((request, response) => {
  if (request.url === '/clipq.wasm') {
    response.writeHead(200, { 'content-type': 'application/wasm' });
    response.end(wasm);
  } else {
    response.writeHead(404);
    response.end();
  }
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await setBackend('wasm');
});
afterAll(() => server.close());

function url(path: string): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}

describe('loading clipq.wasm asynchronously (setClipqWasmPath + ready)', () => {
  const x = Float32Array.of(-2, -0.3, 0, 0.26, 1.7, 9);
  const expected = fakeQuantImpl(x, [-1], [1.5], { outer: 1, channels: 1, inner: 6 }, 8, false);

  it('reports a failed load, and the kernels stay exact through the Impl', async () => {
    setClipqWasmPath(url('/missing.wasm'));
    registerClipqWasmKernels();
    await expect(ready()).rejects.toThrow(/404/);
    expect(clipqWasmLoadError()).not.toBeNull();
    resetClipqWasmKernelStats();
    expectSameBits(fakeQuant(tensor1d(x), -1, 1.5).dataSync(), expected, 'after a failed load');
    expect(clipqWasmKernelStats().impl[ClipqFakeQuant]).toBe(1);
  });

  it('uses the Impl before ready() resolves and SIMD after, with identical results', async () => {
    setClipqWasmPath(url('/clipq.wasm'));
    const loading = ready();
    resetClipqWasmKernelStats();
    expectSameBits(fakeQuant(tensor1d(x), -1, 1.5).dataSync(), expected, 'before ready');
    expect(clipqWasmKernelStats()).toEqual({ simd: {}, impl: { [ClipqFakeQuant]: 1 } });
    await loading;
    expect(clipqWasmLoadError()).toBeNull();
    expectSameBits(fakeQuant(tensor1d(x), -1, 1.5).dataSync(), expected, 'after ready');
    expect(clipqWasmKernelStats().simd[ClipqFakeQuant]).toBe(1);
  });
});
