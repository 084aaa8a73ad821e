/**
 * Registration helpers for backend packages. tfjs warns when a kernel name is registered twice; a
 * backend package replacing a reference kernel is expected, so it unregisters first. Registering the
 * very same kernel function again is a no-op.
 */
import {
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';

export function registerKernelOverride(config: KernelConfig): void {
  const existing = getKernel(config.kernelName, config.backendName);
  if (existing?.kernelFunc === config.kernelFunc) return;
  if (existing != null) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/** True when the kernel registered for `backendName` is exactly `config`'s. */
export function isKernelRegistered(config: KernelConfig): boolean {
  return getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc;
}
