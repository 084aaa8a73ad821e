/**
 * @clipq/core/layers: tfjs-layers integration (this entry loads @tensorflow/tfjs-layers; the bare ops in
 * `@clipq/core` do not).
 */
import '../index.js';

export { EnforceRangeConstraints, enforceRangeConstraints } from './enforce_range_constraints.js';
export type { FakeQuantizeArgs } from './fake_quantize_layer.js';
export { FakeQuantize } from './fake_quantize_layer.js';
export type { RangeInitializerConfig } from './range_initializer.js';
export { RangeInitializer } from './range_initializer.js';
