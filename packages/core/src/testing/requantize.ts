/**
 * Checks for the fused requantization (`outputRange` on the int8 ops, the kernels' `requantize`
 * attribute): the kernel's int32 codes must equal `requantizeCodesImpl` of the exact float output, and
 * that must equal what a separate `quantizeImpl` pass gives (the fused path changes nothing).
 */
import { channelLayout } from '../impl/layout.js';
import { quantizeImpl } from '../impl/quantize_impl.js';
import { requantizeAttrs, requantizeCodesImpl } from '../impl/requantize_impl.js';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import type { OutputRange } from '../ops/output_range.js';
import { assertExact } from './assert.js';

/** A range that clips both tails of `values` (so clamping is tested), at 8 bits or, every third seed, 5. */
export function clippingRange(values: ArrayLike<number>, seed: number): OutputRange {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  return {
    min: lo < 0 ? lo * 0.8 : -0.05,
    max: hi > 0 ? hi * 0.7 : 0.05,
    bits: seed % 3 === 0 ? 5 : 8,
  };
}

export function assertRequantized(
  q: QuantizedTensor,
  expectedFloat: Float32Array,
  range: OutputRange,
  what: string,
): void {
  const bits = range.bits ?? 8;
  if (q.codes.dtype !== 'int32')
    throw new Error(`${what}: codes dtype ${q.codes.dtype}, not int32`);
  if (q.axis !== null || q.bits !== bits)
    throw new Error(
      `${what}: expected per-tensor ${bits}-bit codes, got axis ${q.axis}, ${q.bits} bits`,
    );
  const expected = requantizeCodesImpl(expectedFloat, requantizeAttrs(range.min, range.max, bits));
  const viaQuantize = quantizeImpl(
    expectedFloat,
    [range.min],
    [range.max],
    channelLayout([expectedFloat.length], false, 0),
    bits,
    false,
  );
  assertExact(expected, viaQuantize.codes, `${what}: requantizeCodesImpl vs quantizeImpl`);
  assertExact(q.zeroPoint, viaQuantize.zeroPoint, `${what}: zero point`);
  assertExact(q.scale, viaQuantize.scale, `${what}: scale`);
  assertExact(q.codes.dataSync(), expected, `${what}: fused requantized codes`);
}
