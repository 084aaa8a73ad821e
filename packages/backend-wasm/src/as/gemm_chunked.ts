// Cache-blocked drivers of the int8 GEMM (M > 4): A is packed one chunk of rows at a time into a
// scratch buffer that stays in L2, and every panel of B runs over that chunk before the next one is
// packed. Packing all of A first and then streaming it once per panel re-read A from memory N/8 times
// (at 16384×64×64, a 1×1 convolution of MobileNet, that ran at 24 GOP/s). Widening a B panel once per
// chunk instead of once per call costs < 1% at the chunk sizes the host picks.
//
// Both drivers return the smallest input code read (`boundsMax()` the largest). The host checks the
// exactness bound afterwards and recomputes with core's Impl in the (pathological) case it fails, so the
// common case pays for no separate scan of the input.
import { gemm } from './mat_mul_int8';
import { boundsMax, packA, setLastMax } from './pack';
import { patchBounds, patchRows, setPatchGeometry } from './im2col';

/** out[M,N] for int32 codes A [M,K] (row-major): packA per chunk of `chunkRows` rows, then gemm. */
export function gemmCodes(
  a: usize, M: i32, K: i32, zeroPoint: i32, Kp: i32, bPacked: usize, N: i32, out: usize,
  chunk: usize, chunkRows: i32,
): i32 {
  const rowSums = chunk + <usize>chunkRows * (<usize>Kp << 2);
  let lo = i32.MAX_VALUE;
  let hi = i32.MIN_VALUE;
  for (let m0 = 0; m0 < M; m0 += chunkRows) {
    const rows = min(chunkRows, M - m0);
    lo = min(lo, packA(a + (<usize>m0 * <usize>K << 2), rows, K, zeroPoint, Kp, chunk, rowSums));
    hi = max(hi, boundsMax());
    gemm(chunk, rowSums, rows, Kp, bPacked, N, out + (<usize>m0 * <usize>N << 2));
  }
  setLastMax(hi);
  return lo;
}

/**
 * The int8 convolution as a GEMM over image patches (im2col), one chunk of output pixels at a time.
 * `geometry` is the conv geometry (13 i32, see depthwise.ts); `rowBuffer` holds 4 patch rows.
 */
export function gemmPatches(
  x: usize, geometry: usize, padLeft: i32, zeroPoint: i32, Kp: i32, bPacked: usize, N: i32, out: usize,
  chunk: usize, chunkRows: i32, rowBuffer: usize,
): i32 {
  const M = setPatchGeometry(geometry, padLeft, zeroPoint, Kp);
  const rowSums = chunk + <usize>chunkRows * (<usize>Kp << 2);
  for (let m0 = 0; m0 < M; m0 += chunkRows) {
    const rows = min(chunkRows, M - m0);
    patchRows(x, m0, rows, chunk, rowSums, rowBuffer);
    gemm(chunk, rowSums, rows, Kp, bPacked, N, out + (<usize>m0 * <usize>N << 2));
  }
  return patchBounds();
}
