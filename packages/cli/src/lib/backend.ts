/**
 * Chooses the tfjs backend for conversion and benchmarks, and loads whichever clipq kernel package is
 * installed for it (the reference kernels in @clipq/core work without one).
 */
import * as tf from '@tensorflow/tfjs-core';

const CLIPQ_PACKAGES: Readonly<Record<string, string>> = {
  cpu: '@clipq/backend-cpu',
  wasm: '@clipq/backend-wasm',
};

/** Whether a module can be imported; missing optional packages are not errors. */
async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return false;
    throw error;
  }
}

export interface BackendInfo {
  name: string;
  /** Whether an optimized clipq kernel package is loaded (else core's reference kernels run). */
  clipqKernels: boolean;
}

export async function setupBackend(name: string): Promise<BackendInfo> {
  tf.env().set('PROD', true);
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else if (name === 'wasm') {
    if (!(await tryImport('@tensorflow/tfjs-backend-wasm'))) {
      throw new Error(`backend 'wasm' needs @tensorflow/tfjs-backend-wasm, which is not installed`);
    }
  } else throw new Error(`unknown backend '${name}' (cpu, wasm)`);
  await import('@clipq/core');
  const clipqKernels = await tryImport(CLIPQ_PACKAGES[name]!);
  if (!(await tf.setBackend(name))) throw new Error(`backend '${name}' failed to initialize`);
  await tf.ready();
  return { name, clipqKernels };
}

/** Backends whose tfjs package is installed (for `clipq bench`). */
export async function installedBackends(): Promise<string[]> {
  const out = ['cpu'];
  if (await tryImport('@tensorflow/tfjs-backend-wasm')) out.push('wasm');
  return out;
}
