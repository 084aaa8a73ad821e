/**
 * In-page entry for the browser test: tfjs-wasm from /wasm/, clipq.wasm from /clipq.wasm (set with
 * `setClipqWasmPath`, as an app would), then core's conformance suite on 'wasm'. Results are published
 * on `window.__clipq`.
 */
import '@clipq/core';
import {
  fakeQuantConformanceCases,
  int8ConformanceCases,
  runConformance,
} from '@clipq/core/testing';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { backend, setBackend } from '@tensorflow/tfjs-core';
import { heapFor, type WasmBackendLike } from '../../src/heap/heap.js';
import { clipqWasmKernelStats, ready, setClipqWasmPath } from '../../src/index.js';

const state = globalThis as unknown as { __clipq: Record<string, unknown> };
state.__clipq = { ready: false };

async function main(): Promise<void> {
  setWasmPaths('/wasm/');
  setClipqWasmPath('/clipq.wasm');
  await ready();
  await setBackend('wasm');
  const report = await runConformance([
    ...fakeQuantConformanceCases('wasm'),
    ...int8ConformanceCases('wasm'),
  ]);
  const heap = heapFor(backend() as unknown as WasmBackendLike);
  state.__clipq = {
    ready: true,
    report,
    stats: clipqWasmKernelStats(),
    zeroCopy: heap?.zeroCopy ?? null,
  };
}

main().catch((error: Error) => {
  state.__clipq = { ready: false, error: `${error.message}\n${error.stack ?? ''}` };
});
