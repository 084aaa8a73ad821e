/**
 * When the cpu packed-weight cache drops copies of codes disposed without `QuantizedTensor.dispose()`:
 * when it grows (a new matrix packed, weights pinned) or counts its bytes, never on a cache hit, so an
 * int8 kernel call that reuses its packed weights costs no pass over the cache.
 */
import { ClipqMatMulInt8, matMulInt8, QuantizedTensor } from '@clipq/core';
import { type Tensor, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { packedWeightCache } from '../src/base.js';
import './setup.js';

function quantized(codes: Tensor): QuantizedTensor {
  return new QuantizedTensor(codes, {
    scale: Float32Array.of(0.25),
    zeroPoint: Int32Array.of(0),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
}

/** A packed copy left behind: codes packed by a matmul, then disposed directly. */
function staleCopy(a: QuantizedTensor): object {
  const codes = tensor([1, -2, 3, -4, 5, -6], [2, 3], 'int32');
  const b = quantized(codes);
  matMulInt8(a, b).dispose();
  expect(packedWeightCache.has(codes.dataId)).toBe(true);
  // Disposed around the QuantizedTensor (whose dispose() would release the copy); its own parameter
  // tensors are freed by hand.
  const { scale, zeroPoint } = b.paramTensors();
  codes.dispose();
  scale.dispose();
  zeroPoint.dispose();
  return codes.dataId;
}

describe('packed-weight cache sweeps', () => {
  it('a matmul that hits the cache does not sweep; counting the bytes does', () => {
    const a = quantized(tensor([1, 2, 3, 4], [2, 2], 'int32'));
    const live = quantized(tensor([7, 8, 9, 10, 11, 12], [2, 3], 'int32'));
    matMulInt8(a, live).dispose();
    const stale = staleCopy(a);
    const before = packedWeightCache.bytesOf(stale);
    // Hits on a live matrix leave the stale copy alone (it can never be hit: dataIds are not reused).
    for (let i = 0; i < 3; i++) matMulInt8(a, live).dispose();
    expect(packedWeightCache.has(stale)).toBe(true);
    const total = packedWeightCache.bytes();
    expect(packedWeightCache.has(stale)).toBe(false);
    expect(packedWeightCache.bytes()).toBe(total);
    expect(before).toBeGreaterThan(0);
    a.dispose();
    live.dispose();
  });

  it('packing a new matrix or pinning weights drops stale copies', () => {
    const a = quantized(tensor([1, 2, 3, 4], [2, 2], 'int32'));
    const staleBeforePacking = staleCopy(a);
    const other = quantized(tensor([5, 6, 7, 8], [2, 2], 'int32'));
    matMulInt8(a, other).dispose();
    expect(packedWeightCache.has(staleBeforePacking)).toBe(false);
    const staleBeforePin = staleCopy(a);
    const key = {};
    const codes = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    expect(packedWeightCache.pin(key, { kernelName: ClipqMatMulInt8, codes })).toBe(true);
    expect(packedWeightCache.has(staleBeforePin)).toBe(false);
    expect(packedWeightCache.has(key)).toBe(true);
    packedWeightCache.release(key);
    for (const t of [a, other]) t.dispose();
    codes.dispose();
  });
});
