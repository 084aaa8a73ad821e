/**
 * clipq's tfjs environment flags.
 *
 * CLIPQ_CHECK_RANGES (default true): ops read min/max back to validate them (finite, min ≤ max). The
 * read is tiny, but on WebGL it is a GPU sync per op call; training loops on WebGL may turn it off with
 * `tf.env().set('CLIPQ_CHECK_RANGES', false)`.
 */
import { env } from '@tensorflow/tfjs-core';

const CHECK_RANGES = 'CLIPQ_CHECK_RANGES';

/** tfjs warns when a flag is registered twice (two copies of clipq); check its registry first. */
const registry = (env() as unknown as { flagRegistry: Record<string, unknown> }).flagRegistry;
if (registry[CHECK_RANGES] == null) env().registerFlag(CHECK_RANGES, () => true);

export function checkRangesEnabled(): boolean {
  return env().getBool(CHECK_RANGES);
}
