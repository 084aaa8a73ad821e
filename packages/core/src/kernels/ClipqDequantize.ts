/**
 * Reference ClipqDequantize in tfjs ops, in TF's two-step float32 form (see `dequantize_impl.ts`):
 * y = f32(f32((code − codeMin)·scale) + f32((codeMin − zeroPoint)·scale)).
 */
import {
  add,
  cast,
  equal,
  type KernelConfig,
  type KernelFunc,
  mul,
  type NamedAttrMap,
  sub,
  tidy,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { codeRange } from '../impl/quantize_impl.js';
import {
  ClipqDequantize,
  type ClipqDequantizeAttrs,
  type ClipqDequantizeInputs,
} from '../kernel_names.js';
import { asTensor, broadcastRange } from './reference_math.js';

export function clipqDequantizeReference(args: {
  inputs: ClipqDequantizeInputs;
  attrs: NamedAttrMap;
}) {
  const attrs = args.attrs as unknown as ClipqDequantizeAttrs;
  const rangeAttrs = { ...attrs, rounding: 'half-up' as const };
  return tidy(() => {
    const codes = asTensor(args.inputs.codes);
    const scale = broadcastRange(asTensor(args.inputs.scale), rangeAttrs, codes.rank);
    const zeroPoint = broadcastRange(asTensor(args.inputs.zeroPoint), rangeAttrs, codes.rank);
    const { codeMin } = codeRange(attrs.bits, attrs.narrowRange);
    const nudgedMin = mul(cast(sub(codeMin, zeroPoint), 'float32'), scale);
    const y = add(mul(cast(sub(codes, codeMin), 'float32'), scale), nudgedMin);
    return where(equal(scale, 0), zerosLike(y), y);
  });
}

export const clipqDequantizeReferenceConfig: Omit<KernelConfig, 'backendName'> = {
  kernelName: ClipqDequantize,
  kernelFunc: clipqDequantizeReference as unknown as KernelFunc,
};
