/** Reference ClipqQuantize in tfjs ops: the grid index of `fakeQuantComposite`, shifted to signed codes. */
import {
  add,
  cast,
  div,
  floor,
  type KernelConfig,
  type KernelFunc,
  maximum,
  minimum,
  type NamedAttrMap,
  round,
  sub,
  tidy,
} from '@tensorflow/tfjs-core';
import { quantRange } from '../impl/quant_params_impl.js';
import { codeOffset } from '../impl/quantize_impl.js';
import {
  ClipqQuantize,
  type ClipqQuantizeAttrs,
  type ClipqQuantizeInputs,
} from '../kernel_names.js';
import { asTensor, broadcastRange, expandRange, nudge } from './reference_math.js';

export function clipqQuantizeReference(args: { inputs: ClipqQuantizeInputs; attrs: NamedAttrMap }) {
  const attrs = args.attrs as unknown as ClipqQuantizeAttrs;
  return tidy(() => {
    const x = asTensor(args.inputs.x);
    const min = broadcastRange(asTensor(args.inputs.min), attrs, x.rank);
    const max = broadcastRange(asTensor(args.inputs.max), attrs, x.rank);
    const r = expandRange(nudge(min, max, attrs.bits, attrs.narrowRange), x.shape);
    const { qmin } = quantRange(attrs.bits, attrs.narrowRange);
    const offset = codeOffset(attrs.bits);
    const clamped = maximum(minimum(x, r.nudgedMax), r.nudgedMin);
    const shifted = div(sub(clamped, r.nudgedMin), r.scale);
    const index = attrs.rounding === 'half-even' ? round(shifted) : floor(add(shifted, 0.5));
    // A zero range has nudged range [0, 0] and index 0: the zero point's code, qmin.
    return cast(add(index, qmin - offset), 'int32');
  });
}

export const clipqQuantizeReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqQuantize,
  kernelFunc: clipqQuantizeReference as unknown as KernelFunc,
};
