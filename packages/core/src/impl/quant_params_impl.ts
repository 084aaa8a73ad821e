/**
 * The nudge of TensorFlow's `FakeQuantWithMinMaxVars` (`fake_quant_ops_functor.h`, `Nudge`), in float32.
 *
 * Every intermediate is rounded to float32 with `Math.fround`, in TF's order of operations, so the
 * results are bit-identical to TF's. The nudge moves [min, max] so that 0.0 is exactly representable.
 */
const f32 = Math.fround;

export interface QuantParams {
  /** Step between two grid points: (max - min) / (qmax - qmin), in float32. */
  scale: number;
  /** The unsigned grid point that represents 0.0, in [qmin, qmax]. */
  zeroPoint: number;
  nudgedMin: number;
  nudgedMax: number;
  qmin: number;
  qmax: number;
}

/** Integer grid [qmin, qmax] for `bits` bits. */
export function quantRange(bits: number, narrowRange: boolean): { qmin: number; qmax: number } {
  return { qmin: narrowRange ? 1 : 0, qmax: 2 ** bits - 1 };
}

/** Round half away from zero, as C's `std::round`. */
export function roundHalfAwayFromZero(v: number): number {
  const r = Math.floor(Math.abs(v) + 0.5);
  return v < 0 ? -r : r;
}

/** Round half to even (banker's rounding), as PyTorch and NNCF do. */
export function roundHalfEven(v: number): number {
  const fl = Math.floor(v);
  const diff = v - fl;
  if (diff > 0.5) return fl + 1;
  if (diff < 0.5) return fl;
  return fl % 2 === 0 ? fl : fl + 1;
}

/**
 * Float32-exact nudge. A degenerate range (max == min) gives scale 0 and nudged range [0, 0], so that
 * fake-quant outputs 0, as TF does for min == max == 0.
 */
export function quantParamsImpl(
  min: number,
  max: number,
  bits: number,
  narrowRange: boolean,
): QuantParams {
  const { qmin, qmax } = quantRange(bits, narrowRange);
  const minF = f32(min);
  const maxF = f32(max);
  const scale = f32(f32(maxF - minF) / (qmax - qmin));
  if (scale === 0) {
    return { scale: 0, zeroPoint: qmin, nudgedMin: 0, nudgedMax: 0, qmin, qmax };
  }
  const zeroPointFromMin = f32(qmin - f32(minF / scale));
  let zeroPoint: number;
  if (zeroPointFromMin < qmin) zeroPoint = qmin;
  else if (zeroPointFromMin > qmax) zeroPoint = qmax;
  else zeroPoint = roundHalfAwayFromZero(zeroPointFromMin);
  const nudgedMin = f32((qmin - zeroPoint) * scale);
  const nudgedMax = f32((qmax - zeroPoint) * scale);
  return { scale, zeroPoint, nudgedMin, nudgedMax, qmin, qmax };
}
