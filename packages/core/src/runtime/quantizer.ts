/**
 * A prepared per-tensor quantizer for the runtime's hot path: the range tensors, scale and zero point
 * are computed once, so requantizing an activation is one ClipqQuantize kernel call (the `quantize` op
 * re-validates and re-reads its range on every call).
 */
import { engine, type NamedAttrMap, type Tensor, tensor1d } from '@tensorflow/tfjs-core';
import { quantizeParamsImpl } from '../impl/quantize_impl.js';
import { requantizeAttrs } from '../impl/requantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
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
  private readonly attrs: ClipqQuantizeAttrs;

  constructor(readonly range: RangeSpec) {
    this.min = engine().keep(tensor1d([range.min]));
    this.max = engine().keep(tensor1d([range.max]));
    assertRangeValues('Int8Runtime', this.min, this.max);
    const params = quantizeParamsImpl([range.min], [range.max], range.bits, false);
    this.scale = params.scale;
    this.zeroPoint = params.zeroPoint;
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

  /** Codes computed elsewhere with this range (a kernel's fused requantization). */
  wrap(codes: Tensor): QuantizedTensor {
    return new QuantizedTensor(codes, {
      scale: this.scale,
      zeroPoint: this.zeroPoint,
      axis: null,
      bits: this.range.bits,
      narrowRange: false,
    });
  }

  dispose(): void {
    this.min.dispose();
    this.max.dispose();
  }
}
