import '@tensorflow/tfjs-backend-wasm';
import '@clipq/core';
import { isKernelRegistered } from '@clipq/core';
import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerClipqWasmKernels, wasmKernelConfigs } from '../src/base.js';

// This file imports only the side-effect-free entry (vitest runs each file in its own fork).
describe('@clipq/backend-wasm/base', () => {
  it('registers nothing on import, and everything on registerClipqWasmKernels()', () => {
    for (const config of wasmKernelConfigs) {
      expect(isKernelRegistered(config), config.kernelName).toBe(false);
      expect(
        getKernel(config.kernelName, 'wasm'),
        `${config.kernelName}: core's reference`,
      ).toBeDefined();
    }
    registerClipqWasmKernels();
    registerClipqWasmKernels();
    for (const config of wasmKernelConfigs) expect(isKernelRegistered(config)).toBe(true);
  });
});
