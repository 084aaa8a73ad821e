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
export type { ConvGeometry } from './impl/conv_geometry.js';
export { convGeometry } from './impl/conv_geometry.js';
export type { ConvInt8Epilogue, ConvInt8Problem } from './impl/conv2d_int8_impl.js';
export {
  conv2dInt8AccImpl,
  convInt8OutputImpl,
  depthwiseConv2dInt8AccImpl,
} from './impl/conv2d_int8_impl.js';
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
export {
  requantizeAttrs,
  requantizeCodeImpl,
  requantizeCodesImpl,
} from './impl/requantize_impl.js';
export { HostWeightCache } from './int8/host_weight_cache.js';
export type {
  PackedWeightCache,
  PinnableKernel,
  PinRequest,
} from './int8/packed_weight_cache.js';
export {
  packedWeightBytes,
  packedWeightCache,
  registerPackedWeightCache,
  releasePackedWeights,
} from './int8/packed_weight_cache.js';
export type {
  PinnedWeights,
  QuantizationParamTensors,
  QuantizationSpec,
  QuantizedTensorOptions,
} from './int8/quantized_tensor.js';
export { QuantizedTensor } from './int8/quantized_tensor.js';
export type {
  ClipqConv2DInt8Attrs,
  ClipqConv2DInt8Inputs,
  ClipqDepthwiseConv2DInt8Attrs,
  ClipqDepthwiseConv2DInt8Inputs,
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
  ConvInt8Attrs,
  FakeQuantCommonAttrs,
  FusedActivation,
  FusedMaxPoolAttrs,
  PinnedWeightsAttr,
  RangeGradient,
  RequantizeAttrs,
  Rounding,
} from './kernel_names.js';
export {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqDequantize,
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  ClipqMatMulInt8,
  ClipqQuantize,
} from './kernel_names.js';
export { clipqConv2DInt8ReferenceConfig } from './kernels/ClipqConv2DInt8.js';
export { clipqDepthwiseConv2DInt8ReferenceConfig } from './kernels/ClipqDepthwiseConv2DInt8.js';
export { clipqDequantizeReferenceConfig } from './kernels/ClipqDequantize.js';
export { clipqFakeQuantReferenceConfig } from './kernels/ClipqFakeQuant.js';
export { clipqFakeQuantGradReferenceConfig } from './kernels/ClipqFakeQuantGrad.js';
export { clipqMatMulInt8ReferenceConfig } from './kernels/ClipqMatMulInt8.js';
export { clipqQuantizeReferenceConfig } from './kernels/ClipqQuantize.js';
export {
  conv2dInt8ViaMatMul,
  depthwiseConv2dInt8Direct,
  im2colInt8,
} from './kernels/conv_via_gemm.js';
export { kernelFusesMaxPool, withFusedMaxPool } from './kernels/fused_max_pool.js';
export { int8Epilogue, requantizeCodes } from './kernels/int8_epilogue.js';
export type { NudgedRange } from './kernels/reference_math.js';
export {
  asTensor,
  broadcastRange,
  fakeQuantComposite,
  nudge,
} from './kernels/reference_math.js';
export { requiredWeightInput, weightShape } from './kernels/weight_input.js';
export type { ConvInt8Options } from './ops/conv_int8_args.js';
export { conv2dInt8 } from './ops/conv2d_int8.js';
export { depthwiseConv2dInt8 } from './ops/depthwise_conv2d_int8.js';
export { dequantize } from './ops/dequantize.js';
export type { FakeQuantOptions } from './ops/fake_quant.js';
export { fakeQuant } from './ops/fake_quant.js';
export type { MatMulInt8Options } from './ops/mat_mul_int8.js';
export { matMulInt8 } from './ops/mat_mul_int8.js';
export type { OutputRange } from './ops/output_range.js';
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
