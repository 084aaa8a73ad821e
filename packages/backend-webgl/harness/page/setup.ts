/**
 * Shared page setup: tfjs with the webgl, wasm and cpu backends, clipq's core, @clipq/backend-cpu
 * (so 'cpu' runs clipq's optimized cpu kernels), this package's kernels (bundled from source), and the flags that keep every webgl op on the GPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { HostWeightCache, registerPackedWeightCache } from '@clipq/core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@clipq/backend-cpu';
import '../../src/index.js';

export { tf };

// The page runs core's reference kernels on 'wasm' (no @clipq/backend-wasm here): core's host cache
// lets them take pinned weights, so the shared conformance suites' pinned cases run there too.
registerPackedWeightCache(new HostWeightCache('wasm'));

declare global {
  // biome-ignore lint/suspicious/noExplicitAny: the page's bridge to Node is untyped JSON.
  var __clipq: any;
}

/** WebGL must really run on the GPU: no CPU forwarding of small ops, no uniforms for small inputs. */
export function forceGpuPath(): void {
  tf.env().set('WEBGL_CPU_FORWARD', false);
  tf.env().set('WEBGL_SIZE_UPLOAD_UNIFORM', 0);
  tf.env().set('CPU_HANDOFF_SIZE_THRESHOLD', 0);
}

/**
 * Initializes `names` (the last one stays active). Tests force the GPU path; the benchmark keeps
 * tfjs's default flags (`forceGpu: false`), which is how users run it.
 */
export async function initBackends(
  names = ['wasm', 'cpu', 'webgl'],
  forceGpu = true,
): Promise<void> {
  setWasmPaths('/wasm/');
  if (forceGpu) forceGpuPath();
  for (const name of names) {
    if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialize`);
  }
  if (forceGpu) forceGpuPath();
}

/** Publishes the page's API to Node, or the setup error. */
export function publish(setup: () => Promise<Record<string, unknown>>): void {
  globalThis.__clipq = { ready: false };
  setup().then(
    (api) => {
      globalThis.__clipq = { ...api, ready: true };
    },
    (error: Error) => {
      globalThis.__clipq = { ready: false, error: `${error.message}\n${error.stack ?? ''}` };
    },
  );
}
