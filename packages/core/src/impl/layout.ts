/**
 * The memory layout of a per-channel tensor seen as [outer, channels, inner] (row-major).
 * Element i belongs to channel `Math.floor(i / inner) % channels`. Per-tensor is channels = 1.
 */
export interface ChannelLayout {
  outer: number;
  channels: number;
  inner: number;
}

export function channelLayout(
  shape: readonly number[],
  perChannel: boolean,
  axis: number,
): ChannelLayout {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!perChannel) return { outer: 1, channels: 1, inner: size };
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  const channels = shape[axis]!;
  return { outer: channels * inner === 0 ? 0 : size / (channels * inner), channels, inner };
}
