/**
 * Test setup: the real tfjs backends for Node (cpu and wasm), and tfjs-layers, which registers the
 * gradients of stock ops (tfjs-core alone has none in Node).
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { setBackend } from '@tensorflow/tfjs-core';
import '../src/index.js';

export async function useBackend(name: string): Promise<void> {
  if (!(await setBackend(name))) throw new Error(`backend ${name} failed to initialize`);
}
