/**
 * @clipq/backend-webgl: importing this module registers clipq's kernels for tfjs's 'webgl' backend.
 */
import { registerClipqWebglKernels } from './register_all_kernels.js';

registerClipqWebglKernels();

export * from './base.js';
