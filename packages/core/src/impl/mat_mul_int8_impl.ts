/**
 * The naive int8 matmul that defines the result every backend must reproduce bit for bit.
 *
 * acc[m,n] = Σ_k (a[m,k] − aZeroPoint)(b[k,n] − bZeroPoint[n]) is exact: JS numbers hold integers to
 * 2^53, and |acc| < 2^31 for K < 33,000. The float epilogue is fixed so that backends agree exactly:
 *   multiplier[n] = f32(aScale · bScale[n]);  out = act(f32(f32(f32(acc) · multiplier[n]) + bias[n]))
 */
import type { FusedActivation } from '../kernel_names.js';

const f32 = Math.fround;

export interface MatMulInt8Problem {
  a: Int32Array;
  b: Int32Array;
  M: number;
  K: number;
  N: number;
  transposeB: boolean;
  aZeroPoint: number;
  /** Length N (per channel) or 1 (per tensor). */
  bZeroPoint: ArrayLike<number>;
}

/** Exact integer accumulators, row-major [M,N]. */
export function matMulInt8AccImpl(p: MatMulInt8Problem): Float64Array {
  const { a, b, M, K, N, transposeB, aZeroPoint, bZeroPoint } = p;
  const acc = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const zb = bZeroPoint.length === 1 ? bZeroPoint[0]! : bZeroPoint[n]!;
      let s = 0;
      for (let k = 0; k < K; k++) {
        const bv = transposeB ? b[n * K + k]! : b[k * N + n]!;
        s += (a[m * K + k]! - aZeroPoint) * (bv - zb);
      }
      acc[m * N + n] = s;
    }
  }
  return acc;
}

/** Apply a fused activation to one float32 value. */
export function applyActivation(v: number, activation: FusedActivation): number {
  if (activation === 'relu') return Math.max(v, 0);
  if (activation === 'relu6') return Math.min(Math.max(v, 0), 6);
  return v;
}

/** The float epilogue over exact accumulators. */
export function requantizeOutputImpl(
  acc: ArrayLike<number>,
  M: number,
  N: number,
  aScale: number,
  bScale: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  activation: FusedActivation,
): Float32Array {
  const out = new Float32Array(M * N);
  const multiplier = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    multiplier[n] = f32(aScale * (bScale.length === 1 ? bScale[0]! : bScale[n]!));
  }
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const v = f32(f32(acc[m * N + n]!) * multiplier[n]!);
      out[m * N + n] = applyActivation(bias ? f32(v + bias[n]!) : v, activation);
    }
  }
  return out;
}

export function matMulInt8Impl(
  p: MatMulInt8Problem & {
    aScale: number;
    bScale: ArrayLike<number>;
    bias: ArrayLike<number> | null;
    activation: FusedActivation;
  },
): Float32Array {
  const acc = matMulInt8AccImpl(p);
  return requantizeOutputImpl(acc, p.M, p.N, p.aScale, p.bScale, p.bias, p.activation);
}
