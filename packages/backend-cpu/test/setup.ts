/**
 * Test setup: tfjs's cpu backend, tfjs-layers (gradients of stock ops), clipq core, then this package,
 * whose import registers the optimized kernels over core's reference kernels.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import '@clipq/core';
import { env, setBackend } from '@tensorflow/tfjs-core';
import '../src/index.js';

// IS_TEST makes tfjs check every kernel for leaked data buffers (and silences its tfjs-node banner).
env().set('IS_TEST', true);
await setBackend('cpu');
