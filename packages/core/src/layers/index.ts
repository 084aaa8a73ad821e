/**
 * @clipq/core/layers: tfjs-layers integration (this entry loads @tensorflow/tfjs-layers; the bare ops in
 * `@clipq/core` do not): the FakeQuantize layer, the QAT transform (prepareQat, calibrate, quantizeModel),
 * and int8 conversion with the clipq model format (convertToInt8, saveQuantized, loadQuantized).
 */
import '../index.js';

export type { ClipqMetadata, ClipqWeightMetadata } from '../model/format.js';
export { FORMAT_VERSION } from '../model/format.js';
export { fileSystemHandler } from '../model/fs_io.js';
export type { ActivationRange, QuantizedLayerWeights } from '../model/quantized_model.js';
export { convertToInt8, QuantizedModel } from '../model/quantized_model.js';
export type { LoadQuantizedOptions, SaveQuantizedOptions } from '../model/save_load.js';
export { loadQuantized, saveQuantized, toPortableModel } from '../model/save_load.js';
export type { QatActivation } from '../qat/activation.js';
export { QAT_ACTIVATIONS } from '../qat/activation.js';
export type {
  CalibrateOptions,
  CalibrationMethod,
  QuantizeModelOptions,
} from '../qat/calibrate.js';
export { calibrate, quantizeModel } from '../qat/calibrate.js';
export type { QatConfig } from '../qat/config.js';
export type { QatOptimizerOptions } from '../qat/optimizer.js';
export { QatOptimizer, qatOptimizer } from '../qat/optimizer.js';
export { prepareQat } from '../qat/prepare_qat.js';
export type { RangeEntry, RangeWidthSummary } from '../qat/range_stats.js';
export { learnedRanges, meanRangeWidth, meanRangeWidthChange } from '../qat/range_stats.js';
export type { LayerPlan } from '../runtime/int8_runtime.js';
export { EnforceRangeConstraints, enforceRangeConstraints } from './enforce_range_constraints.js';
export type { FakeQuantizeArgs } from './fake_quantize_layer.js';
export { FakeQuantize } from './fake_quantize_layer.js';
export type { QatConv2DArgs, QatDepthwiseConv2DArgs } from './qat_conv2d.js';
export { QatConv2D, QatDepthwiseConv2D } from './qat_conv2d.js';
export type { QatDenseArgs } from './qat_dense.js';
export { QatDense } from './qat_dense.js';
export type { LearnedRange, QatLayerArgs } from './qat_layer.js';
export { QatLayer } from './qat_layer.js';
export type { RangeInitializerConfig } from './range_initializer.js';
export { RangeInitializer } from './range_initializer.js';
