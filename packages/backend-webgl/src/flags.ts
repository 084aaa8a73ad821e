/**
 * CLIPQ_WEBGL_INT_TEXTURES (default: true on WebGL2): run ClipqMatMulInt8 on integer textures. Set it
 * to false to force the float-texture program that WebGL1 uses (tests do, to cover that path).
 */
import { env } from '@tensorflow/tfjs-core';

const INT_TEXTURES = 'CLIPQ_WEBGL_INT_TEXTURES';

const registry = (env() as unknown as { flagRegistry: Record<string, unknown> }).flagRegistry;
if (registry[INT_TEXTURES] == null) {
  env().registerFlag(INT_TEXTURES, () => env().getNumber('WEBGL_VERSION') === 2);
}

export function intTexturesEnabled(): boolean {
  return env().getBool(INT_TEXTURES);
}
