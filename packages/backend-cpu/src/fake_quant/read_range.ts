/** The inputs every fake-quant kernel reads: x (or codes), the ranges, the nudge table and the layout. */
import { type ChannelLayout, channelLayout, type FakeQuantCommonAttrs } from '@clipq/core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { float32Of } from '../backend_data.js';
import { type ChannelTable, channelTable } from './channel_table.js';

export interface RangeInputs {
  mins: Float32Array;
  maxs: Float32Array;
  table: ChannelTable;
  layout: ChannelLayout;
}

export function readRange(
  backend: MathBackendCPU,
  x: TensorInfo,
  min: TensorInfo,
  max: TensorInfo,
  attrs: FakeQuantCommonAttrs,
  kernel: string,
): RangeInputs {
  const mins = float32Of(backend, min);
  const maxs = float32Of(backend, max);
  const layout = channelLayout(x.shape, attrs.perChannel, attrs.axis);
  const expected = attrs.perChannel ? layout.channels : 1;
  if (mins.length !== expected || maxs.length !== expected) {
    throw new Error(
      `${kernel}: min/max must have ${expected} entr${expected === 1 ? 'y' : 'ies'} for x of shape ` +
        `[${x.shape}]${attrs.perChannel ? ` along axis ${attrs.axis}` : ''}, got ${mins.length} and ${maxs.length}`,
    );
  }
  return { mins, maxs, table: channelTable(mins, maxs, attrs.bits, attrs.narrowRange), layout };
}
