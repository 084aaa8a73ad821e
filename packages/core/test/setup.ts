/**
 * Test setup: the real tfjs backends for Node (cpu and wasm), and tfjs-layers, which registers the
 * gradients of stock ops (tfjs-core alone has none in Node).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { env, setBackend } from '@tensorflow/tfjs-core';
import '../src/index.js';

// IS_TEST makes tfjs check every kernel for leaked data buffers (and silences its tfjs-node banner).
env().set('IS_TEST', true);

export async function useBackend(name: string): Promise<void> {
  if (!(await setBackend(name))) throw new Error(`backend ${name} failed to initialize`);
}
