/**
 * Fake-quant math written in tfjs ops, shared by the reference kernels. It works on every backend and
 * is the composite baseline that optimized kernels are benchmarked against.
 *
 * Each step mirrors `impl/fake_quant_impl.ts` in float32, so results match the pure Impl on backends
 * with IEEE float32 division (cpu, wasm).
 */
import {
  abs,
  add,
  broadcastTo,
  cast,
  div,
  engine,
  equal,
  floor,
  greaterEqual,
  maximum,
  minimum,
  mul,
  onesLike,
  reshape,
  round,
  scalar,
  sign,
  sub,
  type Tensor,
  type TensorInfo,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { quantRange } from '../impl/quant_params_impl.js';
import type { FakeQuantCommonAttrs } from '../kernel_names.js';

/**
 * A kernel input (TensorInfo) as a Tensor that ops accept. The wrapper takes its own reference on the
 * data, so disposing it (or the enclosing tidy) never frees the caller's tensor.
 */
export function asTensor(info: TensorInfo): Tensor {
  const tensor = engine().makeTensorFromTensorInfo(info);
  engine().backend.incRef(info.dataId);
  return tensor;
}

export interface NudgedRange {
  scale: Tensor;
  nudgedMin: Tensor;
  nudgedMax: Tensor;
  /** 1 where the range is degenerate (max == min), else 0. */
  isZero: Tensor;
}

/** Reshapes a [C] range so that it broadcasts along `axis` of a rank-`rank` tensor. */
export function broadcastRange(range: Tensor, attrs: FakeQuantCommonAttrs, rank: number): Tensor {
  if (!attrs.perChannel) return reshape(range, []);
  const shape = new Array<number>(rank).fill(1);
  shape[attrs.axis] = range.size;
  return reshape(range, shape);
}

function roundHalfAwayFromZero(v: Tensor): Tensor {
  const magnitude = abs(v);
  const whole = floor(magnitude);
  const up = cast(greaterEqual(sub(magnitude, whole), 0.5), 'float32');
  return mul(sign(v), add(whole, up));
}

/** The nudge of BRIEF 1 on (broadcastable) min/max tensors. */
export function nudge(min: Tensor, max: Tensor, bits: number, narrowRange: boolean): NudgedRange {
  const { qmin, qmax } = quantRange(bits, narrowRange);
  const rawScale = div(sub(max, min), scalar(qmax - qmin));
  const isZero = cast(equal(rawScale, 0), 'float32');
  const scale = where(equal(rawScale, 0), onesLike(rawScale), rawScale);
  const zeroPointFromMin = sub(scalar(qmin), div(min, scale));
  const zeroPoint = minimum(maximum(roundHalfAwayFromZero(zeroPointFromMin), qmin), qmax);
  const keep = sub(1, isZero);
  const nudgedMin = mul(mul(sub(scalar(qmin), zeroPoint), scale), keep);
  const nudgedMax = mul(mul(sub(scalar(qmax), zeroPoint), scale), keep);
  return { scale, nudgedMin, nudgedMax, isZero };
}

/**
 * The nudged range broadcast to x's full shape. The nudge itself runs on the small [C] tensors; the
 * element-wise passes then take tfjs's same-shape fast paths instead of its generic broadcasting
 * loops (on cpu, adding a [1, C] row to a [N, C] tensor is ~4x slower than a same-shape add).
 */
export function expandRange(r: NudgedRange, shape: number[]): NudgedRange {
  // Scalar operands already take the fast path; expanding them would only add four tiles.
  if (r.scale.rank === 0) return r;
  return {
    scale: broadcastTo(r.scale, shape),
    nudgedMin: broadcastTo(r.nudgedMin, shape),
    nudgedMax: broadcastTo(r.nudgedMax, shape),
    isZero: broadcastTo(r.isZero, shape),
  };
}

/** y = floor((clamp(x) − nudgedMin)/scale + 0.5)·scale + nudgedMin, or half-even rounding. */
export function fakeQuantComposite(x: Tensor, r: NudgedRange, attrs: FakeQuantCommonAttrs): Tensor {
  const clamped = maximum(minimum(x, r.nudgedMax), r.nudgedMin);
  const shifted = div(sub(clamped, r.nudgedMin), r.scale);
  const index = attrs.rounding === 'half-even' ? round(shifted) : floor(add(shifted, 0.5));
  const y = add(mul(index, r.scale), r.nudgedMin);
  return where(equal(r.isZero, 1), zerosLike(y), y);
}
