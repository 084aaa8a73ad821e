/**
 * Kernel names and their input/attribute types: the contract between clipq's ops and every backend.
 *
 * Names are prefixed with `Clipq` because the tfjs kernel registry is global. Each constant's value is
 * its own name, as in `@tensorflow/tfjs-core/src/kernel_names.ts`.
 */
import type { NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** Rounding of the quantization grid. `half-up` is TensorFlow's `floor(v + 0.5)`. */
export type Rounding = 'half-up' | 'half-even';
/** Which range gradient to use; see BRIEF 1. */
export type RangeGradient = 'full' | 'clip';
/** Activation fused into the int8 matmul epilogue. */
export type FusedActivation = 'linear' | 'relu' | 'relu6';

/** Attributes shared by the fake-quant forward and backward kernels. */
export interface FakeQuantCommonAttrs {
  /** Bit width, an integer in 2..16. */
  bits: number;
  /** When true the integer grid starts at 1 instead of 0 (symmetric ranges map 0 to the middle). */
  narrowRange: boolean;
  /** True when `min`/`max` are 1-D with one entry per channel along `axis`. */
  perChannel: boolean;
  /** The channel axis, already normalized to 0..rank-1. Ignored when `perChannel` is false. */
  axis: number;
  rounding: Rounding;
}

/**
 * Fake-quant forward: y = dequantize(quantize(clamp(x, nudgedMin, nudgedMax))), in float32.
 * Inputs: `x` float32 of any shape; `min`, `max` float32 of shape [] or [1] (per tensor) or [C].
 * Output: float32, the shape of `x`.
 */
export const ClipqFakeQuant = 'ClipqFakeQuant';
export interface ClipqFakeQuantInputs extends NamedTensorInfoMap {
  x: TensorInfo;
  min: TensorInfo;
  max: TensorInfo;
}
export interface ClipqFakeQuantAttrs extends FakeQuantCommonAttrs {
  /** Only read by the gradient: which range gradient to produce. */
  rangeGradient: RangeGradient;
  /** Only read by the gradient: multiplies dmin and dmax (already resolved from 'lsq'). */
  gradScale: number;
}

/**
 * Fake-quant backward. Inputs: `dy` (the shape of x), `x`, `min`, `max`.
 * Outputs, in order: `dx` (the shape of x), `dmin` and `dmax` (the shape of `min`).
 */
export const ClipqFakeQuantGrad = 'ClipqFakeQuantGrad';
export interface ClipqFakeQuantGradInputs extends ClipqFakeQuantInputs {
  dy: TensorInfo;
}
export type ClipqFakeQuantGradAttrs = ClipqFakeQuantAttrs;

/**
 * Quantize float32 `x` to signed integer codes (int32 tensor, one code per element).
 * Inputs and attrs as `ClipqFakeQuant` (min/max are the ranges *after* any symmetrization).
 * Output: int32 codes in [-2^(bits-1), 2^(bits-1) - 1]; see `quantizeImpl`.
 */
export const ClipqQuantize = 'ClipqQuantize';
export type ClipqQuantizeInputs = ClipqFakeQuantInputs;
export type ClipqQuantizeAttrs = FakeQuantCommonAttrs;

/**
 * Dequantize int32 codes to float32, bit-identical to fake-quant's output; see `dequantizeImpl`.
 * Inputs: `codes` int32, `scale` float32 [] / [1] / [C], `zeroPoint` int32 (same shape as scale,
 * signed). Output: float32, the shape of `codes`.
 */
export const ClipqDequantize = 'ClipqDequantize';
export interface ClipqDequantizeInputs extends NamedTensorInfoMap {
  codes: TensorInfo;
  scale: TensorInfo;
  zeroPoint: TensorInfo;
}
export interface ClipqDequantizeAttrs {
  bits: number;
  narrowRange: boolean;
  perChannel: boolean;
  axis: number;
}

/**
 * Exact int8 matmul. Inputs: `a` int32 codes [M,K]; `b` int32 codes [K,N] (or [N,K] with
 * `transposeB`); `bScale` float32 [N] or [1]; `bZeroPoint` int32 [N] or [1]; optional `bias` float32 [N].
 * Output: float32 [M,N], with acc = Σ_k (a - aZeroPoint)(b - bZeroPoint[n]) in exact integers and
 * `out = act(f32(f32(f32(acc) * f32(aScale * bScale[n])) + bias[n]))`; see `matMulInt8Impl`.
 */
export const ClipqMatMulInt8 = 'ClipqMatMulInt8';
export interface ClipqMatMulInt8Inputs extends NamedTensorInfoMap {
  a: TensorInfo;
  /** Absent when `attrs.pinnedWeights` is set. */
  b: TensorInfo;
  bScale: TensorInfo;
  bZeroPoint: TensorInfo;
}
export interface ClipqMatMulInt8Attrs {
  aScale: number;
  aZeroPoint: number;
  transposeB: boolean;
  activation: FusedActivation;
  /** True when a `bias` input is present. */
  hasBias: boolean;
  /** Fused requantization of the output to int32 codes; absent or null: float32 output. */
  requantize?: RequantizeAttrs | null;
  /** Weights pinned in the backend's packed cache; then the `b` input is absent (transposeB is false). */
  pinnedWeights?: PinnedWeightsAttr | null;
}

/**
 * Weights that the active backend's packed-weight cache holds under `key` (`QuantizedTensor.pack()`):
 * the packed copy is then the only copy of the codes, so resident weights cost about 1 byte each. When a
 * kernel gets this attribute its weight input (`b`, or `filter`) is absent from the inputs.
 */
export interface PinnedWeightsAttr {
  key: object;
  /** The weight input's shape: b [K,N], a conv filter [kh,kw,Cin,Cout], a depthwise [kh,kw,Cin,mult]. */
  shape: number[];
}

/**
 * Fused requantization of an int8 kernel's output to the next layer's per-tensor codes, so the int8
 * runtime needs no separate ClipqQuantize pass. For every float32 value v the kernel would output (after
 * bias and activation), the int32 output holds `requantizeCodeImpl(v, r)`:
 *   (scale = 0 or v NaN) ? zeroCode
 *   : floor(f32(f32(f32(clamp(v, nudgedMin, nudgedMax) − nudgedMin) / scale) + 0.5)) + codeMin,
 * which is ClipqQuantize's TF half-up rounding. Build it with `requantizeAttrs(min, max, bits)`.
 */
export interface RequantizeAttrs {
  /** float32 nudged range and scale (TF's nudge, as ClipqQuantize computes them). */
  nudgedMin: number;
  nudgedMax: number;
  scale: number;
  /** The code of grid index 0: qmin − 2^(bits−1). */
  codeMin: number;
  /** The zero point's code, for NaN and for a zero range. */
  zeroCode: number;
}

/** Geometry and epilogue attributes shared by the int8 convolutions (NHWC, TF 'same'/'valid'). */
export interface ConvInt8Attrs {
  /** [strideHeight, strideWidth]. */
  strides: [number, number];
  pad: 'same' | 'valid';
  /** [dilationHeight, dilationWidth]; strides and dilations may not both exceed 1. */
  dilations: [number, number];
  /** Scale and signed zero point of the (per-tensor) input codes. */
  xScale: number;
  xZeroPoint: number;
  activation: FusedActivation;
  hasBias: boolean;
  /** Fused requantization of the output to int32 codes; absent or null: float32 output. */
  requantize?: RequantizeAttrs | null;
  /** Weights pinned in the backend's packed cache; then the `filter` input is absent. */
  pinnedWeights?: PinnedWeightsAttr | null;
  /**
   * ClipqConv2DInt8 only, optional capability: also max pool the requantized codes (the output is then
   * the pooled shape). Only a kernel function marked with `withFusedMaxPool` may be given it (see
   * `kernelFusesMaxPool`); the int8 runtime checks that and otherwise runs the pool as a separate step.
   */
  fusedMaxPool?: FusedMaxPoolAttrs | null;
}

/** A max pool over a convolution's requantized codes (dequantization is monotonic, so codes pool exactly). */
export interface FusedMaxPoolAttrs {
  poolSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid';
}

/**
 * Exact int8 2-D convolution, NHWC. Inputs: `x` int32 codes [B,H,W,Cin]; `filter` int32 codes
 * [kh,kw,Cin,Cout]; `wScale` float32 [Cout] or [1]; `wZeroPoint` int32 [Cout] or [1]; optional `bias`
 * float32 [Cout]. Output float32 [B,Ho,Wo,Cout] with the matmul epilogue of `conv2dInt8Impl`. Padding
 * contributes the real value 0 (the input zero point), as in TF's quantized convolutions.
 */
export const ClipqConv2DInt8 = 'ClipqConv2DInt8';
export interface ClipqConv2DInt8Inputs extends NamedTensorInfoMap {
  x: TensorInfo;
  /** Absent when `attrs.pinnedWeights` is set. */
  filter: TensorInfo;
  wScale: TensorInfo;
  wZeroPoint: TensorInfo;
}
export type ClipqConv2DInt8Attrs = ConvInt8Attrs;

/**
 * Exact int8 depthwise convolution, NHWC. `filter` int32 codes [kh,kw,Cin,multiplier]; output channel
 * c·multiplier + m; `wScale`/`wZeroPoint` per output channel [Cin·multiplier] or [1]. Otherwise as
 * ClipqConv2DInt8.
 */
export const ClipqDepthwiseConv2DInt8 = 'ClipqDepthwiseConv2DInt8';
export type ClipqDepthwiseConv2DInt8Inputs = ClipqConv2DInt8Inputs;
export type ClipqDepthwiseConv2DInt8Attrs = ConvInt8Attrs;
