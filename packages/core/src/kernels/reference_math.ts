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
  concat,
  div,
  engine,
  equal,
  floor,
  getBackend,
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
  tensor,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { quantRange } from '../impl/quant_params_impl.js';
import { type PinnableKernel, packedWeightCache } from '../int8/packed_weight_cache.js';
import type { FakeQuantCommonAttrs, PinnedWeightsAttr } from '../kernel_names.js';
import { requiredWeightInput } from './weight_input.js';

/**
 * A kernel input (TensorInfo) as a Tensor that ops accept. The wrapper takes its own reference on the
 * data, so disposing it (or the enclosing tidy) never frees the caller's tensor.
 */
export function asTensor(info: TensorInfo): Tensor {
  const tensor = engine().makeTensorFromTensorInfo(info);
  engine().backend.incRef(info.dataId);
  return tensor;
}

/**
 * A kernel's weight input: the tensor, or (with `pinnedWeights`) the codes unpacked from the active
 * backend's cache into a temporary int32 tensor, which the enclosing tidy frees. The reference kernels
 * thus run packed weights on any backend whose cache can `unpack` (e.g. `HostWeightCache`).
 */
export function weightInput(
  kernelName: PinnableKernel,
  info: TensorInfo | undefined,
  pinned: PinnedWeightsAttr | null | undefined,
): Tensor {
  if (!pinned) return asTensor(requiredWeightInput(kernelName, info));
  const backend = getBackend();
  const bytes = packedWeightCache(backend)?.unpack?.(pinned.key);
  if (!bytes)
    throw new Error(
      `${kernelName}: pinned weights not found on backend '${backend}': released, or packed on another backend`,
    );
  return tensor(Int32Array.from(bytes), pinned.shape, 'int32');
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
 * Copies of `t` along every axis where it has size 1 and `shape` does not: `broadcastTo`'s values, built
 * from concatenations by doubling (log2 of the repeat count per axis).
 *
 * Why: on tfjs-cpu, `broadcastTo` (and so `where` with a broadcast condition) runs the generic Tile
 * kernel, one `indexToLoc` with fresh arrays per element (~100 ms per 1M elements), while Concat copies
 * rows with `TypedArray.set`. Other backends' Tile kernels are fast, so they keep `broadcastTo`.
 */
export function repeatTo(t: Tensor, shape: number[]): Tensor {
  if (engine().backendName !== 'cpu' || shape.includes(0)) return broadcastTo(t, shape);
  let result =
    t.rank < shape.length
      ? reshape(t, [...new Array(shape.length - t.rank).fill(1), ...t.shape])
      : t;
  for (let axis = 0; axis < shape.length; axis++) {
    const times = shape[axis]!;
    if (result.shape[axis] !== 1 || times === 1) continue;
    let repeated: Tensor | null = null;
    let power = result;
    for (let n = times; ; ) {
      if (n & 1) repeated = repeated ? concat([repeated, power], axis) : power;
      n >>= 1;
      if (n === 0) break;
      power = concat([power, power], axis);
    }
    result = repeated!;
  }
  return result;
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
    scale: repeatTo(r.scale, shape),
    nudgedMin: repeatTo(r.nudgedMin, shape),
    nudgedMax: repeatTo(r.nudgedMax, shape),
    isZero: repeatTo(r.isZero, shape),
  };
}

/** y = floor((clamp(x) − nudgedMin)/scale + 0.5)·scale + nudgedMin, or half-even rounding. */
export function fakeQuantComposite(x: Tensor, r: NudgedRange, attrs: FakeQuantCommonAttrs): Tensor {
  const clamped = maximum(minimum(x, r.nudgedMax), r.nudgedMin);
  const shifted = div(sub(clamped, r.nudgedMin), r.scale);
  const index = attrs.rounding === 'half-even' ? round(shifted) : floor(add(shifted, 0.5));
  const y = add(mul(index, r.scale), r.nudgedMin);
  // `where` broadcasts a scalar condition itself (a Tile on cpu): hand it a full-shape one.
  return where(repeatTo(equal(r.isZero, 1), y.shape), zerosLike(y), y);
}
