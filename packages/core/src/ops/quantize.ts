/**
 * quantize: float32 → QuantizedTensor with the (learned) range [min, max]. Its dequantized values equal
 * `fakeQuant(x, min, max, …)` bit for bit (for symmetric, with the symmetrized range).
 */
import { engine, type Tensor, type TensorLike, tensor1d, tidy, util } from '@tensorflow/tfjs-core';
import { quantizeParamsImpl } from '../impl/quantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqQuantize, type ClipqQuantizeAttrs, type Rounding } from '../kernel_names.js';
import { toTensor } from './convert.js';
import { assertBits, assertRangeValues, resolveRanges } from './validate.js';

export interface QuantizeOptions {
  /** 2..16, default 8. */
  bits?: number;
  /** Default: true when `symmetric`, else false. */
  narrowRange?: boolean;
  /** Per-channel axis when min/max are 1-D; default: the last axis. */
  axis?: number;
  /** Use [−m, m] with m = max(|min|, |max|) per channel: zero point 0 (weights). Default false. */
  symmetric?: boolean;
  rounding?: Rounding;
}

export function quantize(
  x: Tensor | TensorLike,
  min: Tensor | TensorLike | number,
  max: Tensor | TensorLike | number,
  options: QuantizeOptions = {},
): QuantizedTensor {
  const opName = 'quantize';
  const bits = options.bits ?? 8;
  assertBits(opName, bits);
  const symmetric = options.symmetric ?? false;
  const narrowRange = options.narrowRange ?? symmetric;
  const rounding = options.rounding ?? 'half-up';
  util.assert(
    rounding === 'half-up' || rounding === 'half-even',
    () => `${opName}: rounding must be 'half-up' or 'half-even', got ${String(rounding)}`,
  );
  const codes = tidy(() => {
    const $x = toTensor(x, 'x', opName, 'float32');
    util.assert($x.dtype === 'float32', () => `${opName}: x must be float32, got ${$x.dtype}`);
    const ranges = resolveRanges(opName, $x.shape, min, max, options.axis);
    assertRangeValues(opName, ranges.$min, ranges.$max);
    let mins = ranges.$min.dataSync() as Float32Array;
    let maxs = ranges.$max.dataSync() as Float32Array;
    if (symmetric) {
      maxs = maxs.map((hi, c) => Math.max(Math.abs(hi), Math.abs(mins[c]!)));
      mins = maxs.map((m) => -m);
    }
    const attrs: ClipqQuantizeAttrs = {
      bits,
      narrowRange,
      perChannel: ranges.perChannel,
      axis: ranges.axis,
      rounding,
    };
    const inputs = { x: $x, min: tensor1d(mins), max: tensor1d(maxs) };
    const out = engine().runKernel(
      ClipqQuantize,
      inputs,
      attrs as unknown as Record<string, never>,
    ) as Tensor;
    return { out, mins, maxs, perChannel: ranges.perChannel, axis: ranges.axis };
  });
  const { scale, zeroPoint } = quantizeParamsImpl(codes.mins, codes.maxs, bits, narrowRange);
  return new QuantizedTensor(codes.out, {
    scale,
    zeroPoint,
    axis: codes.perChannel ? codes.axis : null,
    bits,
    narrowRange,
  });
}
