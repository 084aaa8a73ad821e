/**
 * Benchmarks of @clipq/backend-wasm against tfjs-wasm (BRIEF 3.3). Everything runs in one Node process
 * on tfjs-wasm's SIMD build; ours and the baseline are interleaved by `comparePair`, and both sides read
 * their result back (`dataSync`). `exact` compares our output bit for bit with core's Impl.
 */
import '@tensorflow/tfjs-backend-wasm';
import { loadavg } from 'node:os';
import {
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  channelLayout,
  clipqFakeQuantGradReferenceConfig,
  fakeQuantComposite,
  fakeQuantGradImpl,
  fakeQuantImpl,
  matMulInt8,
  matMulInt8AccImpl,
  nudge,
  QuantizedTensor,
  requantizeOutputImpl,
} from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import { heapFor } from '../../packages/backend-wasm/dist/heap/heap.js';
import { wasmPackedWeightCache } from '../../packages/backend-wasm/dist/index.js';
import { packedWeightsOf } from '../../packages/backend-wasm/dist/int8/packed_weights.js';
import { comparePair } from '../lib.mjs';

const MATMUL_SHAPES = [
  [1, 1024, 1024],
  [1, 4096, 4096],
  [64, 1024, 1024],
  [256, 256, 256],
  [512, 512, 512],
  [128, 768, 3072],
];
const BASELINE = 'tfjs-wasm matMul f32 (XNNPACK, B reused)';

function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function codes(r, size) {
  return Int32Array.from({ length: size }, () => Math.floor(r() * 256) - 128);
}

/** a: per tensor with a zero point; b: per channel, symmetric narrow range (clipq's weight default). */
function operands(M, K, N, r) {
  const aCodes = codes(r, M * K);
  const bCodes = Int32Array.from({ length: K * N }, () => Math.floor(r() * 255) - 127);
  const a = new QuantizedTensor(tf.tensor2d(aCodes, [M, K], 'int32'), {
    scale: Float32Array.of(0.02),
    zeroPoint: Int32Array.of(-3),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
  const bScale = Float32Array.from({ length: N }, () => 0.001 + r() * 0.01);
  const b = new QuantizedTensor(tf.tensor2d(bCodes, [K, N], 'int32'), {
    scale: bScale,
    zeroPoint: new Int32Array(N),
    axis: 1,
    bits: 8,
    narrowRange: true,
  });
  const bias = Float32Array.from({ length: N }, () => r() - 0.5);
  return { a, b, aCodes, bCodes, bias };
}

function sameBits(x, y) {
  if (x.length !== y.length) return false;
  const u = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const v = new Uint32Array(Float32Array.from(y).buffer);
  return u.every((bits, i) => bits === v[i]);
}

function readBack(t) {
  t.dataSync();
  t.dispose();
}

async function matMulRow(M, K, N, r, quick, slowPath = false) {
  const { a, b, aCodes, bCodes, bias } = operands(M, K, N, r);
  const biasTensor = tf.tensor1d(bias);
  const options = { bias: biasTensor, activation: 'relu' };
  const before = wasmPackedWeightCache.bytes();
  const first = matMulInt8(a, b, options);
  const weightBytes = wasmPackedWeightCache.bytes() - before;
  const acc = matMulInt8AccImpl({
    a: aCodes,
    b: bCodes,
    M,
    K,
    N,
    transposeB: false,
    aZeroPoint: -3,
    bZeroPoint: b.zeroPoint,
  });
  const expected = requantizeOutputImpl(acc, M, N, a.scale[0], b.scale, bias, 'relu');
  const exact = sameBits(first.dataSync(), expected);
  first.dispose();
  const af = tf.randomUniform([M, K]);
  const bf = slowPath ? tf.randomUniform([N, K]) : tf.randomUniform([K, N]);
  // Each shape warms both sides up before it is timed: the first calls of a new shape run slower
  // (V8 tiering the JS around the kernels, caches), and 2 warm-up calls left 1x1024x1024 at 1.35
  // where steady state is ~2 (both sides slower; ours 0.107 ms against ~0.045 ms hot).
  // ~2·10^9 int8 ops of warm-up (25 ms of our kernel at 80 GOP/s, and the baseline's calls), 3–30
  // calls; the scalar transposeB baseline (~50 ms a call) needs no more than its 2.
  const warmup = slowPath ? 2 : Math.max(3, Math.min(30, Math.ceil(2e9 / (2 * M * K * N))));
  const result = await comparePair({
    quick,
    warmup,
    ours: () => readBack(matMulInt8(a, b, options)),
    baseline: () => readBack(tf.matMul(af, bf, false, slowPath)),
  });
  // Both kernels are synchronous on wasm, so without the read-back (a fresh M×N buffer per call, whose
  // page faults cost up to ~1 ms here under load) the times are the compute alone: reported extra.
  const compute = await comparePair({
    quick,
    ...(quick ? { rounds: 2 } : {}),
    warmup,
    ours: () => matMulInt8(a, b, options).dispose(),
    baseline: () => tf.matMul(af, bf, false, slowPath).dispose(),
  });
  a.dispose();
  b.dispose();
  tf.dispose([af, bf, biasTensor]);
  const ops = 2 * M * K * N;
  return {
    kernel: 'matMulInt8',
    shape: `${M}x${K}x${N}`,
    ...result,
    baseline: slowPath ? 'tfjs-wasm matMul f32 transposeB (tfjs slow path: scalar loop)' : BASELINE,
    exact,
    weight_bytes: weightBytes,
    weight_bytes_per_param: Math.round((weightBytes / (K * N)) * 1000) / 1000,
    ours_gops: Math.round(ops / result.ours_ms / 1e5) / 10,
    baseline_gflops: Math.round(ops / result.baseline_ms / 1e5) / 10,
    compute_only: {
      ours_ms: compute.ours_ms,
      baseline_ms: compute.baseline_ms,
      ratio: compute.ratio,
      ours_gops: Math.round(ops / compute.ours_ms / 1e5) / 10,
    },
  };
}

const FQ_ATTRS = {
  bits: 8,
  narrowRange: false,
  perChannel: false,
  axis: 0,
  rounding: 'half-up',
  rangeGradient: 'full',
  gradScale: 1,
};

function fakeQuantInputs(shape, r) {
  const size = shape.reduce((p, q) => p * q, 1);
  const xValues = Float32Array.from({ length: size }, () => (r() - 0.5) * 8);
  const dyValues = Float32Array.from({ length: size }, () => r() - 0.5);
  return {
    x: tf.tensor(xValues, shape),
    dy: tf.tensor(dyValues, shape),
    xValues,
    dyValues,
    min: tf.scalar(-2.5),
    max: tf.scalar(3.1),
  };
}

/** Core's composite forward (tfjs ops), the baseline for the fused kernel. */
function compositeForward(x, min, max) {
  return tf.tidy(() => fakeQuantComposite(x, nudge(min, max, 8, false), FQ_ATTRS));
}

async function fakeQuantForwardRow(shape, r, quick) {
  const { x, dy, xValues, min, max } = fakeQuantInputs(shape, r);
  const run = () => tf.engine().runKernel(ClipqFakeQuant, { x, min, max }, FQ_ATTRS);
  const y = run();
  const expected = fakeQuantImpl(xValues, [-2.5], [3.1], channelLayout(shape, false, 0), 8, false);
  const exact = sameBits(y.dataSync(), expected);
  y.dispose();
  const result = await comparePair({
    quick,
    ours: () => readBack(run()),
    baseline: () => readBack(compositeForward(x, min, max)),
  });
  tf.dispose([x, dy, min, max]);
  return {
    kernel: 'fakeQuant forward',
    shape: shape.join('x'),
    ...result,
    baseline: 'core composite (tfjs ops) on wasm',
    exact,
  };
}

async function fakeQuantBackwardRow(shape, r, quick) {
  const { x, dy, xValues, dyValues, min, max } = fakeQuantInputs(shape, r);
  const ours = () => {
    const y = tf.engine().runKernel(ClipqFakeQuant, { x, min, max }, FQ_ATTRS);
    const grads = tf.engine().runKernel(ClipqFakeQuantGrad, { dy, x, min, max }, FQ_ATTRS);
    return [y, ...grads];
  };
  const baseline = () =>
    tf.tidy(() => [
      compositeForward(x, min, max),
      ...clipqFakeQuantGradReferenceConfig.kernelFunc({
        inputs: { dy, x, min, max },
        attrs: FQ_ATTRS,
        backend: tf.backend(),
      }),
    ]);
  const readAll = (tensors) => tensors.forEach(readBack);
  const [y, dx, dmin, dmax] = ours();
  const layout = channelLayout(shape, false, 0);
  const expected = fakeQuantGradImpl(
    dyValues,
    xValues,
    [-2.5],
    [3.1],
    layout,
    8,
    false,
    'half-up',
    'full',
    1,
  );
  const exact =
    sameBits(dx.dataSync(), expected.dx) &&
    sameBits(dmin.dataSync(), expected.dmin) &&
    sameBits(dmax.dataSync(), expected.dmax) &&
    sameBits(y.dataSync(), fakeQuantImpl(xValues, [-2.5], [3.1], layout, 8, false));
  tf.dispose([y, dx, dmin, dmax]);
  const result = await comparePair({
    quick,
    ours: () => readAll(ours()),
    baseline: () => readAll(baseline()),
  });
  tf.dispose([x, dy, min, max]);
  return {
    kernel: 'fakeQuant forward+backward',
    shape: shape.join('x'),
    ...result,
    baseline: 'core composite forward + reference gradient (tfjs ops) on wasm',
    exact,
  };
}

/**
 * V8 first runs wasm functions as Liftoff code and swaps in TurboFan code compiled on a background
 * thread once they are hot. On a loaded machine that swap can lag by seconds, so every kernel of both
 * sides runs here first, with pauses that let the background compiles finish.
 */
async function warmUp(r) {
  for (let pass = 0; pass < 2; pass++) {
    for (const M of [1, 3, 32]) {
      const { a, b } = operands(M, 256, 256, r);
      const af = tf.randomUniform([M, 256]);
      const bf = tf.randomUniform([256, 256]);
      for (let i = 0; i < 20; i++) {
        matMulInt8(a, b, { activation: 'relu' }).dispose();
        tf.matMul(af, bf).dispose();
      }
      a.dispose();
      b.dispose();
      tf.dispose([af, bf]);
    }
    const { x, dy, min, max } = fakeQuantInputs([64, 256], r);
    for (let i = 0; i < 20; i++) {
      tf.engine().runKernel(ClipqFakeQuant, { x, min, max }, FQ_ATTRS).dispose();
      tf.dispose(tf.engine().runKernel(ClipqFakeQuantGrad, { dy, x, min, max }, FQ_ATTRS));
    }
    tf.dispose([x, dy, min, max]);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * GOP/s of the bare SIMD loops (packed A and B ready, no op, no allocation, no read-back): the number
 * to hold against SIMD128's `dot_i16x8_s` ceiling of ≈117 GOP/s on this CPU. Best of `runs`.
 */
function rawKernelGops(M, K, N, r, runs) {
  const { a, b } = operands(M, K, N, r);
  matMulInt8(a, b).dispose();
  const heap = heapFor(tf.backend());
  const packed = packedWeightsOf(heap, b.codes, K, N, false);
  const { Kp } = packed;
  const Mp = Math.ceil(M / 4) * 4;
  const Np = Math.ceil(N / 8) * 8;
  const block = heap.malloc(Mp * Kp * 4 + Mp * 4 + Np * 12 + 64 + Kp * 32);
  const out = heap.malloc(M * N * 4);
  const rowSums = block + Mp * Kp * 4;
  const epilogue = rowSums + Mp * 4;
  const scratch = epilogue + Np * 12;
  heap.i32(epilogue, Np * 3).fill(0);
  heap.f32(epilogue + Np * 4, Np).fill(0.001);
  const wasm = heap.exports;
  wasm.packA(heap.offsetOf(a.codes), M, K, -3, Kp, block, rowSums);
  wasm.setEpilogue(epilogue, epilogue + Np * 4, 0, 0, scratch);
  const kernel = () => {
    if (M === 1) wasm.gemv(block, 0, Kp, packed.ptr, N, out);
    else if (M <= 4) wasm.gemvRows(block, rowSums, M, Kp, packed.ptr, N, out);
    else wasm.gemm(block, rowSums, M, Kp, packed.ptr, N, out);
  };
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    kernel();
    best = Math.min(best, performance.now() - start);
  }
  heap.free(block);
  heap.free(out);
  a.dispose();
  b.dispose();
  return {
    shape: `${M}x${K}x${N}`,
    best_ms: Math.round(best * 1000) / 1000,
    gops: Math.round((2 * M * K * N) / best / 1e5) / 10,
  };
}

const started = performance.now();
/** Progress on stderr (stdout carries the table). */
function progress(message) {
  console.error(`[wasm bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

export async function run({ quick = false } = {}) {
  await tf.setBackend('wasm');
  await tf.ready();
  const r = lcg(7);
  await warmUp(r);
  const rows = [];
  progress('warmed up');
  for (const [M, K, N] of MATMUL_SHAPES) {
    rows.push(await matMulRow(M, K, N, r, quick));
    progress(`matMulInt8 ${M}x${K}x${N}: ratio ${rows.at(-1).ratio}`);
  }
  rows.push(await matMulRow(64, 1024, 1024, r, quick, true));
  const fqShape = quick ? [256, 1024] : [1024, 1024];
  rows.push(await fakeQuantForwardRow(fqShape, r, quick));
  rows.push(await fakeQuantBackwardRow(fqShape, r, quick));
  const rawKernels = MATMUL_SHAPES.map(([M, K, N]) => rawKernelGops(M, K, N, r, quick ? 25 : 50));
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return {
    rows,
    meta: {
      wasm: { simd, multithread: threads, clipqModule: 'clipq.wasm (AssemblyScript, SIMD128)' },
      raw_kernel_gops: rawKernels,
      simd128_ceiling_gops: 117,
      load_average: loadavg().map((v) => Math.round(v * 100) / 100),
    },
  };
}
