import '@tensorflow/tfjs-backend-cpu';
import { isKernelRegistered } from '@clipq/core';
import { getKernel } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { cpuKernelConfigs, registerClipqCpuKernels } from '../src/base.js';

// This file imports only the side-effect-free entry (vitest runs each file in its own fork).
describe('@clipq/backend-cpu/base', () => {
  it('registers nothing on import, and everything on registerClipqCpuKernels()', () => {
    for (const config of cpuKernelConfigs) {
      expect(isKernelRegistered(config), config.kernelName).toBe(false);
      expect(
        getKernel(config.kernelName, 'cpu'),
        `${config.kernelName}: core's reference`,
      ).toBeDefined();
    }
    registerClipqCpuKernels();
    for (const config of cpuKernelConfigs) expect(isKernelRegistered(config)).toBe(true);
  });
});
