/**
 * The quantization parameters of a QuantizedTensor, and the checks `QuantizedTensor.fromCodes` runs on
 * codes it wraps.
 */
import { type Tensor, util } from '@tensorflow/tfjs-core';
import { codeRange } from '../impl/quantize_impl.js';

export interface QuantizationSpec {
  /** Per channel along `axis`, or length 1 per tensor. */
  scale: Float32Array;
  /** Signed zero points (code that represents 0.0), same length as `scale`. */
  zeroPoint: Int32Array;
  /** Channel axis, or null per tensor. */
  axis: number | null;
  bits: number;
  narrowRange: boolean;
}

/** `scale` (float32) and `zeroPoint` (int32) as 1-D tensors, the form kernels take them in. */
export interface QuantizationParamTensors {
  scale: Tensor;
  zeroPoint: Tensor;
}

export interface QuantizedTensorOptions {
  /**
   * Parameter tensors holding exactly `spec.scale` and `spec.zeroPoint`, BORROWED from their owner
   * (the int8 runtime's per-range quantizer, shared by every activation in that range): this tensor
   * returns them from `paramTensors()` and never disposes them, so the owner must outlive it. Without
   * them, `paramTensors()` makes (and `dispose()` frees) a pair of its own.
   */
  params?: QuantizationParamTensors;
}

/** Checks dtype, bits, axis, parameter lengths and (with `validate`, by reading them) the code range. */
export function validateCodes(codes: Tensor, spec: QuantizationSpec, validate: boolean): void {
  const op = 'QuantizedTensor.fromCodes';
  util.assert(
    codes.dtype === 'int32',
    () => `${op}: codes must be an int32 tensor, got dtype ${codes.dtype}`,
  );
  util.assert(
    Number.isInteger(spec.bits) && spec.bits >= 2 && spec.bits <= 16,
    () => `${op}: bits must be an integer in 2..16, got ${spec.bits}`,
  );
  const channels = spec.axis == null ? 1 : codes.shape[spec.axis];
  util.assert(
    spec.axis == null || (Number.isInteger(spec.axis) && spec.axis >= 0 && spec.axis < codes.rank),
    () => `${op}: axis must be null or in [0, ${codes.rank - 1}], got ${spec.axis}`,
  );
  util.assert(
    spec.scale.length === channels && spec.zeroPoint.length === channels,
    () =>
      `${op}: scale and zeroPoint need ${channels} entries, got ${spec.scale.length} and ${spec.zeroPoint.length}`,
  );
  if (validate) {
    const { codeMin, codeMax } = codeRange(spec.bits, spec.narrowRange);
    const values = codes.dataSync();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      util.assert(
        v >= codeMin && v <= codeMax,
        () =>
          `${op}: code ${v} at flat index ${i} is outside [${codeMin}, ${codeMax}] for ${spec.bits} bits`,
      );
    }
  }
}
