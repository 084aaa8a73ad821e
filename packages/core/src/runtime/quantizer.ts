/**
 * A prepared per-tensor quantizer for the runtime's hot path: the range tensors, scale and zero point
 * are computed once, so requantizing an activation is one ClipqQuantize kernel call (the `quantize` op
 * re-validates and re-reads its range on every call).
 *
 * Ownership: the quantizer owns its range tensors and its scale/zero-point tensors, made when the
 * runtime is built and freed by `dispose()` with the runtime. Every activation it produces (`apply`,
 * `wrap`) borrows the scale/zero-point pair instead of making its own on each predict, so an activation
 * must not outlive its quantizer (the runtime frees its values before it can be disposed).
 */
import { engine, type NamedAttrMap, type Tensor, tensor1d } from '@tensorflow/tfjs-core';
import { quantizeParamsImpl } from '../impl/quantize_impl.js';
import { requantizeAttrs } from '../impl/requantize_impl.js';
import {
  type QuantizationSpec,
  QuantizedTensor,
  type QuantizedTensorOptions,
} from '../int8/quantized_tensor.js';
import { ClipqQuantize, type ClipqQuantizeAttrs, type RequantizeAttrs } from '../kernel_names.js';
import { assertRangeValues } from '../ops/validate.js';

export interface RangeSpec {
  min: number;
  max: number;
  bits: number;
}

export class Quantizer {
  readonly scale: Float32Array;
  readonly zeroPoint: Int32Array;
  /** The same range as a kernel's fused-requantization attribute. */
  readonly requantize: RequantizeAttrs;
  private readonly min: Tensor;
  private readonly max: Tensor;
  /** The codes' spec, and `scale`/`zeroPoint` as tensors lent to every QuantizedTensor made here. */
  private readonly spec: QuantizationSpec;
  private readonly options: Required<QuantizedTensorOptions>;
  private readonly attrs: ClipqQuantizeAttrs;

  constructor(readonly range: RangeSpec) {
    this.min = engine().keep(tensor1d([range.min]));
    this.max = engine().keep(tensor1d([range.max]));
    assertRangeValues('Int8Runtime', this.min, this.max);
    const params = quantizeParamsImpl([range.min], [range.max], range.bits, false);
    this.scale = params.scale;
    this.zeroPoint = params.zeroPoint;
    this.spec = {
      scale: this.scale,
      zeroPoint: this.zeroPoint,
      axis: null,
      bits: range.bits,
      narrowRange: false,
    };
    this.options = {
      params: {
        scale: engine().keep(tensor1d(this.scale, 'float32')),
        zeroPoint: engine().keep(tensor1d(this.zeroPoint, 'int32')),
      },
    };
    this.requantize = requantizeAttrs(range.min, range.max, range.bits);
    this.attrs = {
      bits: range.bits,
      narrowRange: false,
      perChannel: false,
      axis: 0,
      rounding: 'half-up',
    };
  }

  apply(x: Tensor): QuantizedTensor {
    const codes = engine().runKernel(
      ClipqQuantize,
      { x, min: this.min, max: this.max },
      this.attrs as unknown as NamedAttrMap,
    ) as Tensor;
    return this.wrap(codes);
  }

  /**
   * Codes computed elsewhere with this range (a kernel's fused requantization, or a layer that moves
   * codes without changing their range). The result owns `codes` and borrows this quantizer's
   * scale/zero-point tensors.
   */
  wrap(codes: Tensor): QuantizedTensor {
    return new QuantizedTensor(codes, this.spec, this.options);
  }

  /** Frees the range and parameter tensors; call it after the last activation made here is freed. */
  dispose(): void {
    this.min.dispose();
    this.max.dispose();
    this.options.params.scale.dispose();
    this.options.params.zeroPoint.dispose();
  }
}
