/** Reference ClipqFakeQuant, written in tfjs ops so that it runs on any backend. */
import { type KernelConfig, type KernelFunc, type NamedAttrMap, tidy } from '@tensorflow/tfjs-core';
import {
  ClipqFakeQuant,
  type ClipqFakeQuantAttrs,
  type ClipqFakeQuantInputs,
} from '../kernel_names.js';
import {
  asTensor,
  broadcastRange,
  expandRange,
  fakeQuantComposite,
  nudge,
} from './reference_math.js';

export function clipqFakeQuantReference(args: {
  inputs: ClipqFakeQuantInputs;
  attrs: NamedAttrMap;
}) {
  const attrs = args.attrs as unknown as ClipqFakeQuantAttrs;
  return tidy(() => {
    const x = asTensor(args.inputs.x);
    const min = broadcastRange(asTensor(args.inputs.min), attrs, x.rank);
    const max = broadcastRange(asTensor(args.inputs.max), attrs, x.rank);
    return fakeQuantComposite(
      x,
      expandRange(nudge(min, max, attrs.bits, attrs.narrowRange), x.shape),
      attrs,
    );
  });
}

export const clipqFakeQuantReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqFakeQuant,
  kernelFunc: clipqFakeQuantReference as unknown as KernelFunc,
};
