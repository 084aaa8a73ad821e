/**
 * ClipqDequantize caches its per-channel arrays per (scale, zeroPoint) tensor pair: a pair reused call
 * after call (the int8 runtime's shared activation parameters) must give the same bits as fresh tensors,
 * and pairs with other values, bits or layouts must never be served another pair's arrays.
 */
import {
  ClipqDequantize,
  type ClipqDequantizeAttrs,
  channelLayout,
  dequantizeImpl,
} from '@clipq/core';
import { engine, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import './setup.js';

function dequantizeWith(
  codes: Tensor,
  scale: Tensor,
  zeroPoint: Tensor,
  attrs: ClipqDequantizeAttrs,
) {
  const out = engine().runKernel(
    ClipqDequantize,
    { codes, scale, zeroPoint },
    attrs as unknown as Record<string, never>,
  ) as Tensor;
  const values = Array.from(out.dataSync());
  out.dispose();
  return values;
}

function expected(
  codes: Tensor,
  scale: number[],
  zeroPoint: number[],
  attrs: ClipqDequantizeAttrs,
) {
  const layout = channelLayout(codes.shape, attrs.perChannel, attrs.axis);
  return Array.from(
    dequantizeImpl(
      Int32Array.from(codes.dataSync()),
      Float32Array.from(scale),
      Int32Array.from(zeroPoint),
      layout,
      attrs.bits,
      attrs.narrowRange,
    ),
  );
}

describe('ClipqDequantize parameter cache', () => {
  const perTensor: ClipqDequantizeAttrs = {
    bits: 8,
    narrowRange: false,
    perChannel: false,
    axis: 0,
  };
  const codes = tensor([-128, -3, 0, 5, 127, 64], [2, 3], 'int32');

  it('a reused pair, fresh pairs with the same or other values, and other bits all match the Impl', () => {
    const pairs: Array<[number, number]> = [
      [0.05, -3],
      [0.05, -3],
      [0.0123, 17],
      [0.05, 4],
    ];
    const shared = { scale: tensor1d([0.05]), zeroPoint: tensor1d([-3], 'int32') };
    for (let round = 0; round < 3; round++) {
      expect(dequantizeWith(codes, shared.scale, shared.zeroPoint, perTensor)).toEqual(
        expected(codes, [0.05], [-3], perTensor),
      );
      for (const [s, z] of pairs) {
        const scale = tensor1d([s]);
        const zeroPoint = tensor1d([z], 'int32');
        expect(dequantizeWith(codes, scale, zeroPoint, perTensor)).toEqual(
          expected(codes, [s], [z], perTensor),
        );
        scale.dispose();
        zeroPoint.dispose();
      }
      // The same scale tensor with another zero point, and the shared pair at 4 bits and narrow range.
      const otherZeroPoint = tensor1d([2], 'int32');
      expect(dequantizeWith(codes, shared.scale, otherZeroPoint, perTensor)).toEqual(
        expected(codes, [0.05], [2], perTensor),
      );
      otherZeroPoint.dispose();
      const small = tensor([-8, -1, 0, 3, 7, 2], [2, 3], 'int32');
      const fourBits = { ...perTensor, bits: 4, narrowRange: true };
      expect(dequantizeWith(small, shared.scale, shared.zeroPoint, fourBits)).toEqual(
        expected(small, [0.05], [-3], fourBits),
      );
      small.dispose();
    }
    shared.scale.dispose();
    shared.zeroPoint.dispose();
  });

  it('per-channel pairs reused across calls match the Impl', () => {
    const attrs: ClipqDequantizeAttrs = { bits: 8, narrowRange: false, perChannel: true, axis: 1 };
    const scale = tensor1d([0.1, 0.02, 0.7]);
    const zeroPoint = tensor1d([0, -5, 9], 'int32');
    for (let round = 0; round < 2; round++)
      expect(dequantizeWith(codes, scale, zeroPoint, attrs)).toEqual(
        expected(codes, [0.1, 0.02, 0.7], [0, -5, 9], attrs),
      );
    scale.dispose();
    zeroPoint.dispose();
  });

  afterAll(() => codes.dispose());
});
