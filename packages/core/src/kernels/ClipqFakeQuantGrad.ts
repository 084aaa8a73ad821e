/** Reference ClipqFakeQuantGrad (BRIEF 1, "Backward"), written in tfjs ops for any backend. */
import {
  add,
  div,
  equal,
  greater,
  greaterEqual,
  type KernelConfig,
  type KernelFunc,
  less,
  lessEqual,
  logicalAnd,
  mul,
  type NamedAttrMap,
  onesLike,
  reshape,
  sub,
  sum,
  type Tensor,
  tidy,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import {
  ClipqFakeQuantGrad,
  type ClipqFakeQuantGradAttrs,
  type ClipqFakeQuantGradInputs,
} from '../kernel_names.js';
import {
  asTensor,
  broadcastRange,
  expandRange,
  fakeQuantComposite,
  nudge,
} from './reference_math.js';

export function clipqFakeQuantGradReference(args: {
  inputs: ClipqFakeQuantGradInputs;
  attrs: NamedAttrMap;
}): Tensor[] {
  const attrs = args.attrs as unknown as ClipqFakeQuantGradAttrs;
  return tidy(() => {
    const dy = asTensor(args.inputs.dy);
    const x = asTensor(args.inputs.x);
    const rangeShape = args.inputs.min.shape;
    const min = broadcastRange(asTensor(args.inputs.min), attrs, x.rank);
    const max = broadcastRange(asTensor(args.inputs.max), attrs, x.rank);
    const r = expandRange(nudge(min, max, attrs.bits, attrs.narrowRange), x.shape);
    const reduceAxes = [...Array(x.rank).keys()].filter(
      (d) => !attrs.perChannel || d !== attrs.axis,
    );
    const zero = zerosLike(dy);
    const sumTo = (t: Tensor) => reshape(sum(t, reduceAxes), rangeShape);

    const inRange = logicalAnd(greaterEqual(x, r.nudgedMin), lessEqual(x, r.nudgedMax));
    const dx = where(inRange, dy, zero);
    let dmin = sumTo(where(less(x, r.nudgedMin), dy, zero));
    let dmax = sumTo(where(greater(x, r.nudgedMax), dy, zero));
    if (attrs.rangeGradient === 'full') {
      const y = fakeQuantComposite(x, r, attrs);
      const width = reshape(sub(max, min), rangeShape);
      const isZero = equal(width, 0);
      const rounding = div(
        sumTo(where(inRange, mul(dy, sub(y, x)), zero)),
        where(isZero, onesLike(width), width),
      );
      const term = where(isZero, zerosLike(rounding), rounding);
      dmin = sub(dmin, term);
      dmax = add(dmax, term);
    }
    if (attrs.gradScale !== 1) {
      dmin = mul(dmin, attrs.gradScale);
      dmax = mul(dmax, attrs.gradScale);
    }
    return [dx, dmin, dmax];
  });
}

export const clipqFakeQuantGradReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqFakeQuantGrad,
  kernelFunc: clipqFakeQuantGradReference as unknown as KernelFunc,
};
