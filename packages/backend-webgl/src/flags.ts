/**
 * CLIPQ_WEBGL_RAW_PASSES (default: true on WebGL2): use clipq's raw WebGL2 passes, that is the int8
 * matmul on integer textures and the single-read range-gradient reductions. Set it to false to force
 * the tfjs-program paths that WebGL1 uses (tests do, to cover them).
 */
import { env } from '@tensorflow/tfjs-core';

const RAW_PASSES = 'CLIPQ_WEBGL_RAW_PASSES';

const registry = (env() as unknown as { flagRegistry: Record<string, unknown> }).flagRegistry;
if (registry[RAW_PASSES] == null) {
  env().registerFlag(RAW_PASSES, () => env().getNumber('WEBGL_VERSION') === 2);
}

export function rawPassesEnabled(): boolean {
  return env().getBool(RAW_PASSES);
}
