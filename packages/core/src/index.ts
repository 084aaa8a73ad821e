/**
 * @clipq/core: learned-range fake-quant for TensorFlow.js.
 *
 * Importing this module registers clipq's gradients, the reference kernels (tfjs ops) for every
 * built-in backend, and the `tensor.fakeQuant` chained op.
 */
import './flags.js';
import './register_gradients.js';
import './register_reference_kernels.js';
import './chained_ops.js';

export { checkRangesEnabled } from './flags.js';
export { dequantizeImpl } from './impl/dequantize_impl.js';
export type { FakeQuantGradResult } from './impl/fake_quant_grad_impl.js';
export { fakeQuantGradImpl } from './impl/fake_quant_grad_impl.js';
export { channelParams, fakeQuantImpl, fakeQuantValue, gridIndex } from './impl/fake_quant_impl.js';
export type { ChannelLayout } from './impl/layout.js';
export { channelLayout } from './impl/layout.js';
export type { MatMulInt8Problem } from './impl/mat_mul_int8_impl.js';
export {
  applyActivation,
  matMulInt8AccImpl,
  matMulInt8Impl,
  requantizeOutputImpl,
} from './impl/mat_mul_int8_impl.js';
export type { QuantParams } from './impl/quant_params_impl.js';
export {
  quantParamsImpl,
  quantRange,
  roundHalfAwayFromZero,
  roundHalfEven,
} from './impl/quant_params_impl.js';
export type { QuantizeImplResult } from './impl/quantize_impl.js';
export {
  codeOffset,
  codeRange,
  quantizeImpl,
  quantizeParamsImpl,
} from './impl/quantize_impl.js';
export type { PackedWeightCache } from './int8/packed_weight_cache.js';
export {
  packedWeightBytes,
  registerPackedWeightCache,
  releasePackedWeights,
} from './int8/packed_weight_cache.js';
export type { QuantizationSpec } from './int8/quantized_tensor.js';
export { QuantizedTensor } from './int8/quantized_tensor.js';
export type {
  ClipqDequantizeAttrs,
  ClipqDequantizeInputs,
  ClipqFakeQuantAttrs,
  ClipqFakeQuantGradAttrs,
  ClipqFakeQuantGradInputs,
  ClipqFakeQuantInputs,
  ClipqMatMulInt8Attrs,
  ClipqMatMulInt8Inputs,
  ClipqQuantizeAttrs,
  ClipqQuantizeInputs,
  FakeQuantCommonAttrs,
  FusedActivation,
  RangeGradient,
  Rounding,
} from './kernel_names.js';
export {
  ClipqDequantize,
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  ClipqMatMulInt8,
  ClipqQuantize,
} from './kernel_names.js';
export { clipqDequantizeReferenceConfig } from './kernels/ClipqDequantize.js';
export { clipqFakeQuantReferenceConfig } from './kernels/ClipqFakeQuant.js';
export { clipqFakeQuantGradReferenceConfig } from './kernels/ClipqFakeQuantGrad.js';
export { clipqMatMulInt8ReferenceConfig } from './kernels/ClipqMatMulInt8.js';
export { clipqQuantizeReferenceConfig } from './kernels/ClipqQuantize.js';
export type { NudgedRange } from './kernels/reference_math.js';
export {
  asTensor,
  broadcastRange,
  fakeQuantComposite,
  nudge,
} from './kernels/reference_math.js';
export { dequantize } from './ops/dequantize.js';
export type { FakeQuantOptions } from './ops/fake_quant.js';
export { fakeQuant } from './ops/fake_quant.js';
export type { MatMulInt8Options } from './ops/mat_mul_int8.js';
export { matMulInt8 } from './ops/mat_mul_int8.js';
export type { QuantParamsOptions, QuantParamsResult } from './ops/quant_params.js';
export { quantParams } from './ops/quant_params.js';
export type { QuantizeOptions } from './ops/quantize.js';
export { quantize } from './ops/quantize.js';
export type {
  MseObserverOptions,
  ObservedRange,
  ObserverOptions,
  RangeObserver,
} from './range/observers.js';
export { ema, minMax, mse, percentile } from './range/observers.js';
export type { RangeConstraintConfig } from './range/range_constraint.js';
export { RangeConstraint, rangeConstraint } from './range/range_constraint.js';
export type { RangePenaltyConfig } from './range/range_penalty.js';
export { RangePenalty, rangePenalty } from './range/range_penalty.js';
export { splitRange } from './range/range_weight.js';
export { isKernelRegistered, registerKernelOverride } from './register_kernel.js';
export {
  REFERENCE_BACKENDS,
  referenceKernelConfigs,
  registerClipqReferenceKernels,
} from './register_reference_kernels.js';
