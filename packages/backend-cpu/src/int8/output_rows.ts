/**
 * The output of the direct (non-GEMM) int8 kernels, written a block of rows at a time from exact
 * accumulators (zero points already folded in): core's float32 epilogue
 * act(f32(f32(f32(acc)·multiplier[n]) + bias[n])), or with `requantize` the next layer's codes.
 *
 * Float32 values go straight into the output, whose bias and activation passes run once at the end
 * (separate simple passes ran faster in V8 than one loop with `Math.fround` and branches); codes are
 * requantized from the accumulators in one fused loop (requantize.ts).
 */
import type { FusedActivation, RequantizeAttrs } from '@clipq/core';
import { finishOutput } from './epilogue.js';
import { type Requantizer, requantizeBlock, requantizer } from './requantize.js';

/** f32(xScale·wScale[n]) per output channel (wScale of length 1 is per tensor). */
export function multipliersOf(xScale: number, wScale: ArrayLike<number>, N: number): Float32Array {
  const multipliers = new Float32Array(N);
  for (let n = 0; n < N; n++) multipliers[n] = xScale * wScale[wScale.length === 1 ? 0 : n]!;
  return multipliers;
}

export class OutputRows {
  private readonly floats: Float32Array | null;
  private readonly codes: Int32Array | null;
  private readonly requantizer: Requantizer | null;

  constructor(
    total: number,
    private readonly N: number,
    private readonly multipliers: Float32Array,
    private readonly bias: ArrayLike<number> | null,
    private readonly activation: FusedActivation,
    requantize: RequantizeAttrs | null | undefined,
  ) {
    this.floats = requantize ? null : new Float32Array(total);
    this.codes = requantize ? new Int32Array(total) : null;
    this.requantizer = requantize ? requantizer(requantize, activation, multipliers, bias) : null;
  }

  /** Outputs [start, start + count) (whole rows of N) from acc[0, count). */
  write(acc: Float64Array, count: number, start: number): void {
    const { N, multipliers, floats } = this;
    if (floats === null) {
      requantizeBlock(this.requantizer!, acc, count / N, N, null, 0, this.codes!, start);
      return;
    }
    // The Float32Array stores round: f32(f32(acc)·multiplier) (fround keeps f32(acc) exact for any K).
    for (let i = 0; i < count; i += N) {
      for (let n = 0; n < N; n++)
        floats[start + i + n] = Math.fround(acc[i + n]!) * multipliers[n]!;
    }
  }

  finish(): { values: Float32Array | Int32Array; dtype: 'float32' | 'int32' } {
    if (this.floats === null) return { values: this.codes!, dtype: 'int32' };
    finishOutput(this.floats, this.N, this.bias, this.activation);
    return { values: this.floats, dtype: 'float32' };
  }
}
