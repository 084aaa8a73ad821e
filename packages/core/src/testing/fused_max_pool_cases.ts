/**
 * Shared conformance cases for ClipqConv2DInt8's optional `fusedMaxPool` attribute: a kernel marked
 * `withFusedMaxPool` must return exactly core's Impl conv, requantized, then max pooled (taps outside
 * the image skipped, as TF), in the pooled shape; with the filter as an input and pinned. A backend
 * whose kernel does not fuse runs them as the int8 runtime does there: the conv, then a separate pool.
 */
import { cast, engine, maxPool, type Tensor, tensor, tensor1d } from '@tensorflow/tfjs-core';
import { convGeometry } from '../impl/conv_geometry.js';
import { conv2dInt8AccImpl, convInt8OutputImpl } from '../impl/conv2d_int8_impl.js';
import { requantizeAttrs, requantizeCodesImpl } from '../impl/requantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqConv2DInt8, type ConvInt8Attrs, type FusedMaxPoolAttrs } from '../kernel_names.js';
import { kernelFusesMaxPool } from '../kernels/fused_max_pool.js';
import { assertExact, rng } from './assert.js';
import { type ConformanceCase, caseOn } from './backend.js';
import {
  FUSED_MAX_POOL_CASES,
  type FusedMaxPoolCase,
  maxPoolCodesReference,
} from './fused_max_pool_data.js';
import { randomCodes } from './int8_cases.js';
import { packedCopy } from './pinned.js';

/** One case's operands, kernel attributes and expected pooled codes (core's Impl). */
function makeOperands(c: FusedMaxPoolCase, seed: number) {
  const r = rng(seed);
  const [, , , C] = c.shape;
  const N = c.outChannels;
  const x = randomCodes(
    r,
    c.shape.reduce((a, b) => a * b, 1),
    8,
    false,
  );
  const filterCodes = randomCodes(r, 9 * C * N, 8, false);
  const wZeroPoint = Int32Array.from({ length: N }, (_, n) => (c.zeroPoints ? (n % 3) - 1 : 0));
  // Scales that put the conv outputs' spread (~1.5, or ~4 with relu6) inside the requantization range
  // rather than saturating it: an accumulator of 9·C products of ~74·74 has a spread of ~5500·√(9C).
  // relu6 gets a range above 6, so its clamp is exercised.
  const relu6 = c.activation === 'relu6';
  const unit = (relu6 ? 4 : 1.5) / (0.05 * 5500 * Math.sqrt(9 * C));
  const wScale = Float32Array.from({ length: N }, (_, n) =>
    Math.fround(c.negativeScale && n === 5 ? -unit : unit * (0.5 + r())),
  );
  const bias = Float32Array.from({ length: N }, () => Math.fround(r() - 0.5));
  const requantize = relu6 ? requantizeAttrs(-1, 8, 8) : requantizeAttrs(-2, 3, 8);
  const [size, stride, pad] = c.pool;
  const fusedMaxPool: FusedMaxPoolAttrs = {
    poolSize: [size, size],
    strides: [stride, stride],
    pad,
  };
  const attrs: ConvInt8Attrs = {
    strides: [1, 1],
    pad: 'same',
    dilations: [1, 1],
    xScale: 0.05,
    xZeroPoint: -9,
    activation: c.activation,
    hasBias: true,
    requantize,
  };
  const geometry = convGeometry(c.shape, 3, 3, [1, 1], [1, 1], 'same');
  const acc = conv2dInt8AccImpl(
    { x, filter: filterCodes, geometry, xZeroPoint: -9, wZeroPoint },
    N,
  );
  const values = convInt8OutputImpl(acc, N, {
    xScale: 0.05,
    wScale,
    bias,
    activation: c.activation,
  });
  const convCodes = Int32Array.from(requantizeCodesImpl(values, requantize));
  const convShape = [c.shape[0], geometry.outHeight, geometry.outWidth, N];
  const filter = new QuantizedTensor(tensor(filterCodes, [3, 3, C, N], 'int32'), {
    scale: wScale,
    zeroPoint: wZeroPoint,
    axis: 3,
    bits: 8,
    narrowRange: false,
  });
  const inputs = {
    x: tensor(x, c.shape, 'int32'),
    wScale: tensor1d(wScale),
    wZeroPoint: tensor1d(wZeroPoint, 'int32'),
    bias: tensor1d(bias),
  };
  return {
    attrs,
    fusedMaxPool,
    filter,
    inputs,
    expected: maxPoolCodesReference(convCodes, convShape, c.pool),
  };
}

function describePool([size, stride, pad]: FusedMaxPoolCase['pool']): string {
  return `${size}×${size}/${stride} '${pad}'`;
}

function assertPooled(
  out: Tensor,
  expected: { values: Int32Array; shape: number[] },
  what: string,
) {
  if (out.dtype !== 'int32') throw new Error(`${what}: dtype ${out.dtype}, expected int32`);
  if (out.shape.join() !== expected.shape.join())
    throw new Error(`${what}: shape [${out.shape}], expected the pooled [${expected.shape}]`);
  assertExact(out.dataSync(), expected.values, `${what}: pooled codes`);
}

/**
 * The fused max pool cases on `backendName`. `fuses` (default true) states what the backend's
 * ClipqConv2DInt8 does, so a kernel that loses its `withFusedMaxPool` mark fails instead of silently
 * taking the other branch:
 * - true: the registered kernel must be marked, and each case calls it with `fusedMaxPool`, the filter
 *   as an input and pinned (`packedCopy`);
 * - false: the kernel must not be marked (the int8 runtime then never offers the attribute), and each
 *   case checks what the runtime runs instead: the requantizing conv, then tfjs's MaxPool on the codes
 *   (through float32, exact for codes, as on a backend whose MaxPool refuses int32).
 */
export function fusedMaxPoolConformanceCases(
  backendName: string,
  options: { fuses?: boolean; cases?: readonly FusedMaxPoolCase[] } = {},
): ConformanceCase[] {
  const fuses = options.fuses ?? true;
  const marked = caseOn(
    backendName,
    fuses
      ? 'ClipqConv2DInt8 is marked withFusedMaxPool (the int8 runtime offers it the pool)'
      : 'ClipqConv2DInt8 is not marked withFusedMaxPool (the int8 runtime pools after the conv)',
    () => {
      if (kernelFusesMaxPool(backendName) !== fuses)
        throw new Error(
          `ClipqConv2DInt8 on '${backendName}' is ${fuses ? 'not ' : ''}marked withFusedMaxPool`,
        );
    },
  );
  const cases = (options.cases ?? FUSED_MAX_POOL_CASES).map((c, i) =>
    caseOn(backendName, `conv2dInt8 + ${describePool(c.pool)} max pool: ${c.name}`, () => {
      const { attrs, fusedMaxPool, filter, inputs, expected } = makeOperands(c, 900 + i);
      const run = (weights: QuantizedTensor, pinned: boolean) => {
        const pinnedWeights = pinned ? weights.pinnedFor(ClipqConv2DInt8) : null;
        if (pinned && !pinnedWeights) throw new Error(`${c.name}: the filter is not pinned`);
        const kernelInputs = pinned ? inputs : { ...inputs, filter: weights.codes };
        const kernelAttrs = { ...attrs, pinnedWeights, ...(fuses ? { fusedMaxPool } : {}) };
        const out = engine().runKernel(
          ClipqConv2DInt8,
          kernelInputs,
          kernelAttrs as never,
        ) as Tensor;
        if (fuses) return out;
        const { poolSize, strides, pad } = fusedMaxPool;
        return cast(maxPool(cast(out, 'float32') as never, poolSize, strides, pad), 'int32');
      };
      assertPooled(run(filter, false), expected, c.name);
      const pinned = packedCopy(filter, ClipqConv2DInt8);
      const what = `${c.name} (pinned)`;
      assertPooled(run(pinned.weights, true), expected, what);
      pinned.assertStillPacked(what);
      pinned.finish(what);
      filter.dispose();
    }),
  );
  return [marked, ...cases];
}
