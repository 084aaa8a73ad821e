/**
 * Per-channel nudged parameters as flat Float64Arrays, computed by core's float32-exact nudge, so the
 * fused loops read three numbers per channel instead of an object.
 */
import { channelParams } from '@clipq/core';

export interface ChannelTable {
  scale: Float64Array;
  nudgedMin: Float64Array;
  nudgedMax: Float64Array;
  /** The unsigned grid point of each channel's zero, and the grid's qmin. */
  zeroPoint: Float64Array;
  qmin: number;
}

export function channelTable(
  mins: ArrayLike<number>,
  maxs: ArrayLike<number>,
  bits: number,
  narrowRange: boolean,
): ChannelTable {
  const params = channelParams(mins, maxs, bits, narrowRange);
  return {
    scale: Float64Array.from(params, (p) => p.scale),
    nudgedMin: Float64Array.from(params, (p) => p.nudgedMin),
    nudgedMax: Float64Array.from(params, (p) => p.nudgedMax),
    zeroPoint: Float64Array.from(params, (p) => p.zeroPoint),
    qmin: narrowRange ? 1 : 0,
  };
}
