/** Test setup: tfjs-wasm (SIMD, non-threaded in Node), layers for stock gradients, clipq's wasm kernels. */
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-layers';
import { setBackend } from '@tensorflow/tfjs-core';
import { setClipqWasmPath } from '../src/base.js';
import '../src/index.js';

// Tests import the TypeScript sources; the module itself is built into dist by `pnpm build`.
setClipqWasmPath(new URL('../dist/clipq.wasm', import.meta.url));
await setBackend('wasm');
