/**
 * Which ClipqConv2DInt8 kernels honour `attrs.fusedMaxPool` (max pooling their requantized codes). The
 * attribute is an optional capability: a kernel that ignores it would return the unpooled output, so
 * the int8 runtime only offers it to a kernel function marked with `withFusedMaxPool`. The mark lives
 * in a WeakSet rather than on a property, so no cast or hand-set flag is needed to read or set it.
 */
import { getBackend, getKernel, type KernelFunc } from '@tensorflow/tfjs-core';
import { ClipqConv2DInt8 } from '../kernel_names.js';

/**
 * Kept on `globalThis` under a registered symbol, so that a backend package resolving its own copy of
 * @clipq/core (a version mismatch installs two) marks the set the runtime reads.
 */
const registry = globalThis as { [key: symbol]: WeakSet<KernelFunc> | undefined };
const key = Symbol.for('@clipq/core fusing ClipqConv2DInt8 kernels');
registry[key] ??= new WeakSet<KernelFunc>();
const fusingKernels = registry[key];

/** Marks a ClipqConv2DInt8 kernel function as honouring `attrs.fusedMaxPool`; returns it. */
export function withFusedMaxPool<F extends KernelFunc>(kernelFunc: F): F {
  fusingKernels.add(kernelFunc);
  return kernelFunc;
}

/** Whether the ClipqConv2DInt8 registered for `backendName` (default: the active one) is so marked. */
export function kernelFusesMaxPool(backendName: string = getBackend()): boolean {
  const kernelFunc = getKernel(ClipqConv2DInt8, backendName)?.kernelFunc;
  return kernelFunc !== undefined && fusingKernels.has(kernelFunc);
}
