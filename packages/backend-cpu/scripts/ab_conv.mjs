/**
 * A/B, interleaved in one process: the direct small-patch conv vs the implicit-im2col GEMM on one conv
 * shape (CPU ms per call, min over rounds): node packages/backend-cpu/scripts/ab_conv.mjs B H W C Cout [stride]
 */
import { convGeometry, requantizeAttrs } from '@clipq/core';
import { convDirectInt8 } from '../dist/int8/conv_direct_int8.js';
import { convPatchRows } from '../dist/int8/conv_patch_rows.js';
import { matMulInt8Output } from '../dist/int8/mat_mul_int8_packed.js';
import { packWeights } from '../dist/int8/packed_weights.js';

const [B, H, W, C, N, stride = 1] = process.argv.slice(2).map(Number);
const g = convGeometry([B, H, W, C], 3, 3, [stride, stride], [1, 1], 'same');
const x = Int32Array.from({ length: B * H * W * C }, (_, i) => ((i * 7919) % 256) - 128);
const filter = Int32Array.from({ length: 9 * C * N }, (_, i) => ((i * 104729) % 255) - 127);
const wScale = Float32Array.from({ length: N }, (_, i) => 0.001 + i * 1e-5);
const wZeroPoint = new Int32Array(N);
const bias = Float32Array.from({ length: N }, (_, i) => i * 0.01);
const rq = requantizeAttrs(0, 4, 8);
const K = 9 * C;
const weights = packWeights(filter, K, N, false);
const direct = () =>
  convDirectInt8(
    { x, g, filter, outChannels: N, xScale: 0.02, xZeroPoint: -5, wScale, wZeroPoint },
    bias,
    'relu',
    rq,
  );
const gemm = () =>
  matMulInt8Output(
    {
      a: convPatchRows(x, g, -5),
      M: g.batch * g.outHeight * g.outWidth,
      weights,
      aScale: 0.02,
      aZeroPoint: -5,
      bScale: wScale,
      bZeroPoint: wZeroPoint,
    },
    bias,
    'relu',
    rq,
  );
const a = direct().values;
const b = gemm().values;
for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`mismatch at ${i}`);
const best = { direct: Infinity, gemm: Infinity };
for (let round = 0; round < 8; round++) {
  for (const [name, fn] of round % 2
    ? [
        ['direct', direct],
        ['gemm', gemm],
      ]
    : [
        ['gemm', gemm],
        ['direct', direct],
      ]) {
    const c0 = process.cpuUsage();
    let runs = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 100) {
      fn();
      runs++;
    }
    const c = process.cpuUsage(c0);
    best[name] = Math.min(best[name], (c.user + c.system) / 1000 / runs);
  }
}
console.log(
  `[${B},${H},${W},${C}]→${N}: direct ${best.direct.toFixed(3)} ms, gemm ${best.gemm.toFixed(3)} ms`,
);
