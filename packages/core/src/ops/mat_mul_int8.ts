/**
 * matMulInt8: float32 [M,N] = scaleA·scaleB[n]·Σ_k (a − zpA)(b − zpB[n]) + bias, with exact integer
 * accumulation on every backend (BRIEF 2; semantics in `impl/mat_mul_int8_impl.ts`). With `outputRange`,
 * the kernel requantizes the output to per-tensor codes and the op returns a QuantizedTensor.
 */
import { engine, type Tensor, type TensorLike, util } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import {
  ClipqMatMulInt8,
  type ClipqMatMulInt8Attrs,
  type FusedActivation,
} from '../kernel_names.js';
import { toTensor } from './convert.js';
import { type OutputRange, outputRangeAttrs, requantizedOutput } from './output_range.js';

export interface MatMulInt8Options {
  /** float32 [N], added after rescaling. */
  bias?: Tensor | TensorLike;
  /** Fused activation, default 'linear'. */
  activation?: FusedActivation;
  /** `b` is [N,K] (a Dense kernel stored output-major), default false. */
  transposeB?: boolean;
  /** Requantize the output to these per-tensor codes in the kernel; the op then returns a QuantizedTensor. */
  outputRange?: OutputRange;
}

const ACTIVATIONS: readonly string[] = ['linear', 'relu', 'relu6'];

export function matMulInt8(
  a: QuantizedTensor,
  b: QuantizedTensor,
  options: MatMulInt8Options & { outputRange: OutputRange },
): QuantizedTensor;
export function matMulInt8(
  a: QuantizedTensor,
  b: QuantizedTensor,
  options?: MatMulInt8Options,
): Tensor;
export function matMulInt8(
  a: QuantizedTensor,
  b: QuantizedTensor,
  options: MatMulInt8Options = {},
): Tensor | QuantizedTensor {
  const op = 'matMulInt8';
  a.assertNotDisposed(`${op} (a)`);
  b.assertNotDisposed(`${op} (b)`);
  const transposeB = options.transposeB ?? false;
  const activation = options.activation ?? 'linear';
  util.assert(
    ACTIVATIONS.includes(activation),
    () => `${op}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${activation}`,
  );
  util.assert(a.shape.length === 2, () => `${op}: a must be 2-D [M,K], got shape [${a.shape}]`);
  util.assert(b.shape.length === 2, () => `${op}: b must be 2-D, got shape [${b.shape}]`);
  util.assert(
    a.axis === null,
    () => `${op}: a must be quantized per tensor, got a per-channel a (axis ${a.axis})`,
  );
  util.assert(
    a.bits <= 8 && b.bits <= 8,
    () => `${op}: int8 matmul needs bits ≤ 8, got a: ${a.bits}, b: ${b.bits}`,
  );
  const [M, K] = a.shape as [number, number];
  const [kB, N] = (transposeB ? [b.shape[1], b.shape[0]] : b.shape) as [number, number];
  util.assert(
    K === kB,
    () =>
      `${op}: inner dimensions differ: a is [${a.shape}] and b is [${b.shape}]${transposeB ? ' (transposeB)' : ''}`,
  );
  const nAxis = transposeB ? 0 : 1;
  util.assert(
    b.axis === null || b.axis === nAxis,
    () => `${op}: b must be per tensor or per channel along N (axis ${nAxis}), got axis ${b.axis}`,
  );
  const requantize = options.outputRange ? outputRangeAttrs(op, options.outputRange) : null;
  const pinnedWeights = transposeB ? null : b.pinnedFor(ClipqMatMulInt8);
  const inputs: Record<string, Tensor> = {
    a: a.codes,
    bScale: b.paramTensors().scale,
    bZeroPoint: b.paramTensors().zeroPoint,
  };
  // Packed weights reach the kernel through the attribute; the int32 codes no longer exist.
  if (!pinnedWeights) inputs.b = b.codes;
  // No tidy: one kernel call, and the only tensor made here is a bias converted from a TensorLike
  // (disposed below). A scope costs microseconds, which show at M = 1.
  const bias = options.bias != null ? toTensor(options.bias, 'bias', op, 'float32') : null;
  const ownBias = bias !== null && bias !== options.bias;
  let out: Tensor;
  try {
    if (bias) {
      util.assert(
        bias.dtype === 'float32' && bias.size === N && bias.rank === 1,
        () => `${op}: bias must be float32 [${N}], got ${bias.dtype} [${bias.shape}]`,
      );
      inputs.bias = bias;
    }
    const attrs: ClipqMatMulInt8Attrs = {
      aScale: a.scale[0]!,
      aZeroPoint: a.zeroPoint[0]!,
      transposeB,
      activation,
      hasBias: bias !== null,
      requantize,
      pinnedWeights,
    };
    out = engine().runKernel(
      ClipqMatMulInt8,
      inputs,
      attrs as unknown as Record<string, never>,
    ) as Tensor;
  } finally {
    if (ownBias) bias.dispose();
  }
  util.assert(
    M * N === out.size,
    () => `${op}: kernel returned shape [${out.shape}], expected [${M},${N}]`,
  );
  return options.outputRange
    ? requantizedOutput(op, ClipqMatMulInt8, out, options.outputRange)
    : out;
}
