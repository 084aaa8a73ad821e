/** The matMulInt8 rows: int8 from RGBA8I weights against tfjs-webgl's float32 matMul. */
import { matMulInt8, matMulInt8Impl, QuantizedTensor } from '@clipq/core';
import { randomCodes, rng } from '@clipq/core/testing';
import { webglPackedWeightCache } from '../../src/base.js';
import { compare, type Row, sameBits, settle } from './bench_common.js';
import { tf } from './setup.js';

export async function matMulRow(M: number, K: number, N: number, quick: boolean): Promise<Row> {
  const r = rng(M * 31 + K * 7 + N);
  const aCodes = randomCodes(r, M * K, 8, false);
  const bCodes = randomCodes(r, K * N, 8, true);
  const bScale = Float32Array.from({ length: N }, () => Math.fround(0.001 + r() * 0.01));
  const aSpec = {
    scale: Float32Array.of(0.02),
    zeroPoint: Int32Array.of(-3),
    axis: null,
    bits: 8,
    narrowRange: false,
  };
  const a = new QuantizedTensor(tf.tensor(aCodes, [M, K], 'int32'), aSpec);
  const bSpec = {
    scale: bScale,
    zeroPoint: new Int32Array(N),
    axis: 1,
    bits: 8,
    narrowRange: true,
  };
  const b = new QuantizedTensor(tf.tensor(bCodes, [K, N], 'int32'), bSpec);
  const af = tf.randomUniform([M, K], -1, 1);
  const bf = tf.randomUniform([K, N], -1, 1);
  const bytesBefore = webglPackedWeightCache.bytes();
  const first = matMulInt8(a, b);
  const got = (await first.data()) as Float32Array;
  first.dispose();
  const weightBytes = webglPackedWeightCache.bytes() - bytesBefore;
  const expected = matMulInt8Impl({
    a: aCodes,
    b: bCodes,
    M,
    K,
    N,
    transposeB: false,
    aZeroPoint: -3,
    bZeroPoint: bSpec.zeroPoint,
    aScale: Math.fround(0.02),
    bScale,
    bias: null,
    activation: 'linear',
  });
  // Small products finish faster than a GPU sync's polling latency: batch them.
  const batch = M * K * N < 2 ** 25 ? 3 : 1;
  const timing = await compare(
    quick,
    { ours: () => matMulInt8(a, b), baseline: () => tf.matMul(af, bf) },
    settle,
    batch,
  );
  a.dispose();
  b.dispose();
  af.dispose();
  bf.dispose();
  return {
    kernel: 'matMulInt8',
    shape: `${M}x${K}x${N}`,
    ours_ms: timing.ours_ms,
    baseline: 'tfjs-webgl matMul f32',
    baseline_ms: timing.baseline_ms,
    ratio: timing.ratio,
    exact: sameBits(got, expected),
    weight_bytes: weightBytes,
    notes: `${batch} call${batch > 1 ? 's' : ''} per sample, full data() of every output`,
  };
}
