/**
 * Benchmarks of @clipq/backend-cpu (BRIEF 3.3), ours and the baseline interleaved in one process:
 * - fakeQuant forward, and forward+backward, on 1M elements, per tensor and per channel, against
 *   core's composite reference kernels (tfjs ops) on the same cpu backend. One interleaved comparison
 *   times forward+backward; the forward row is the forward part of those same runs (timed inside each
 *   run), which halves the cost of the slow reference;
 * - matMulInt8 against tfjs-cpu `tf.matMul` in float32 on the same shapes, each row with `exact`
 *   (accumulators identical to the naive integer reference and output bit-identical to
 *   `matMulInt8Impl`) and `weight_bytes` (resident bytes of the packed B).
 */
import { cpus, loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import { matMulInt8AccPacked, packedWeightCache } from '@clipq/backend-cpu';
import {
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  channelLayout,
  clipqFakeQuantGradReferenceConfig,
  clipqFakeQuantReferenceConfig,
  fakeQuantGradImpl,
  fakeQuantImpl,
  matMulInt8,
  matMulInt8AccImpl,
  QuantizedTensor,
  requantizeOutputImpl,
} from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';
import { comparePair, median, round3 } from '../lib.mjs';

const MATMUL_SHAPES = [
  [1, 1024, 1024],
  [64, 1024, 1024],
  [256, 256, 256],
  [512, 512, 512],
  [128, 768, 3072],
];
const FAKE_QUANT_SHAPE = [1024, 1024];

/**
 * Quick mode takes 5 interleaved rounds of 2 runs (10 samples per side): the composite fake-quant
 * reference needs ~0.5-0.8 s per forward+backward, and tfjs-cpu f32 about 1 s at 128x768x3072, so the
 * default quick sampling would not fit in a minute (`pnpm bench --quick`, build and e2e rows included).
 */
function sampling(quick, warmup = 1) {
  return quick ? { quick, rounds: 5, runsPerRound: 2, warmup } : { quick };
}

const started = performance.now();
/** Progress on stderr (stdout carries the table). */
function progress(message) {
  const cpu = process.cpuUsage();
  const cpuSeconds = ((cpu.user + cpu.system) / 1e6).toFixed(1);
  console.error(
    `[cpu bench ${((performance.now() - started) / 1000).toFixed(1)} s, cpu ${cpuSeconds} s] ${message}`,
  );
}

/**
 * Runs `fn` until about 100 ms (at most 50 runs) have been spent on it, so that cheap shapes reach
 * V8's optimized code before timing: tfjs-cpu's matMul at M = 1 is 5-10x slower in its first runs.
 * Expensive shapes get no extra warm-up run: the same code (tfjs-cpu's matMul, our GEMM) already ran
 * hot on the cheap shapes before them, ours also ran once in the exactness check, and a first run that
 * is still slow is one of ≥ 10 samples, which the median ignores.
 */
function warmUp(fn) {
  const start = performance.now();
  for (let runs = 0; runs < 50 && performance.now() - start < 100; runs++) fn();
}

/**
 * `fn` as an `async` function. tinybench tells sync from async tasks by calling a plain function once,
 * unsampled, each time a task is added (so once per interleaved round); an async function is
 * recognized without that call. The timed work is identical, and --quick runs a third fewer slow
 * baseline calls (10 instead of 15 at 128x768x3072).
 */
function sampled(fn) {
  return async () => {
    fn();
  };
}

/** Shapes of at most this many multiply-adds (1x1024x1024, 256³) are cheap: 20 samples, not 10. */
const CHEAP_MACS = 2 ** 24;

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Calls a reference kernel function directly (the registry now holds ours). */
function reference(config, inputs, attrs) {
  return config.kernelFunc({ inputs, attrs, backend: tf.backend() });
}

function disposeAll(result) {
  for (const t of Array.isArray(result) ? result : [result]) tf.engine().disposeTensor(t);
}

async function fakeQuantRows(quick) {
  const rows = [];
  const r = rng(7);
  const size = FAKE_QUANT_SHAPE[0] * FAKE_QUANT_SHAPE[1];
  const x = tf.tensor(
    Float32Array.from({ length: size }, () => (r() - 0.4) * 6),
    FAKE_QUANT_SHAPE,
  );
  const dy = tf.tensor(
    Float32Array.from({ length: size }, () => r() - 0.5),
    FAKE_QUANT_SHAPE,
  );
  const channels = FAKE_QUANT_SHAPE[1];
  for (const perChannel of [false, true]) {
    const mins = perChannel
      ? Float32Array.from({ length: channels }, () => -1 - r())
      : Float32Array.of(-1.5);
    const maxs = perChannel
      ? Float32Array.from({ length: channels }, () => 1 + r())
      : Float32Array.of(2);
    const min = tf.tensor1d(mins);
    const max = tf.tensor1d(maxs);
    const attrs = {
      bits: 8,
      narrowRange: false,
      perChannel,
      axis: 1,
      rounding: 'half-up',
      rangeGradient: 'full',
      gradScale: 1,
    };
    const layout = channelLayout(FAKE_QUANT_SHAPE, perChannel, 1);
    const xValues = x.dataSync();
    const dyValues = dy.dataSync();

    const y = tf.engine().runKernel(ClipqFakeQuant, { x, min, max }, attrs);
    const forwardExact = sameBits(
      y.dataSync(),
      fakeQuantImpl(xValues, mins, maxs, layout, 8, false, 'half-up'),
    );
    const grads = tf.engine().runKernel(ClipqFakeQuantGrad, { dy, x, min, max }, attrs);
    const expected = fakeQuantGradImpl(
      dyValues,
      xValues,
      mins,
      maxs,
      layout,
      8,
      false,
      'half-up',
      'full',
      1,
    );
    const backwardExact =
      sameBits(grads[0].dataSync(), expected.dx) &&
      sameBits(grads[1].dataSync(), expected.dmin) &&
      sameBits(grads[2].dataSync(), expected.dmax);
    disposeAll([y, ...grads]);

    const shape = `${FAKE_QUANT_SHAPE.join('x')} ${perChannel ? 'per-channel' : 'per-tensor'}`;
    progress(`fakeQuant ${shape}: exactness checks done`);
    const forwardMs = { ours: [], baseline: [] };
    const timed = (side, forward, backward) =>
      sampled(() => {
        const start = performance.now();
        disposeAll(forward());
        forwardMs[side].push(performance.now() - start);
        disposeAll(backward());
      });
    // Warm-up is the exactness check above for ours; the reference's first run lands in the median.
    const both = await comparePair({
      ...sampling(quick, 0),
      ours: timed(
        'ours',
        () => tf.engine().runKernel(ClipqFakeQuant, { x, min, max }, attrs),
        () => tf.engine().runKernel(ClipqFakeQuantGrad, { dy, x, min, max }, attrs),
      ),
      baseline: timed(
        'baseline',
        () => reference(clipqFakeQuantReferenceConfig, { x, min, max }, attrs),
        () => reference(clipqFakeQuantGradReferenceConfig, { dy, x, min, max }, attrs),
      ),
    });
    // The forward row comes from the same interleaved runs: the forward part of each timed run.
    const ours_ms = round3(median(forwardMs.ours.slice(-both.runs)));
    const baseline_ms = round3(median(forwardMs.baseline.slice(-both.runs)));
    const baselineName = 'core composite reference (tfjs ops, cpu)';
    rows.push({
      kernel: 'fakeQuant forward',
      shape,
      ours_ms,
      baseline: baselineName,
      baseline_ms,
      ratio: round3(baseline_ms / ours_ms),
      runs: both.runs,
      exact: forwardExact,
    });
    progress(`fakeQuant ${shape}: forward+backward ratio ${both.ratio}`);
    rows.push({
      kernel: 'fakeQuant forward+backward',
      shape,
      ...both,
      baseline: baselineName,
      exact: forwardExact && backwardExact,
    });
    min.dispose();
    max.dispose();
  }
  x.dispose();
  dy.dispose();
  return rows;
}

function randomCodes(r, size, low, high) {
  const codes = Int32Array.from({ length: size }, () => low + Math.floor(r() * (high - low + 1)));
  codes[0] = low;
  codes[size - 1] = high;
  return codes;
}

/** A asymmetric per tensor (any zero point), B symmetric per output channel (weights' default). */
function matMulOperands(M, K, N, seed) {
  const r = rng(seed);
  const aCodes = randomCodes(r, M * K, -128, 127);
  const bCodes = randomCodes(r, K * N, -127, 127);
  const bScale = Float32Array.from({ length: N }, () => Math.fround(1e-3 + r() * 0.01));
  const a = new QuantizedTensor(tf.tensor(aCodes, [M, K], 'int32'), {
    scale: Float32Array.of(Math.fround(0.02)),
    zeroPoint: Int32Array.of(-7),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
  const b = new QuantizedTensor(tf.tensor(bCodes, [K, N], 'int32'), {
    scale: bScale,
    zeroPoint: new Int32Array(N),
    axis: 1,
    bits: 8,
    narrowRange: true,
  });
  return { a, b, aCodes, bCodes };
}

/**
 * Σ_k (a − za)(b − zb[n]) as a naive triple loop in m-k-n order (row-wise over B, so it runs in a
 * fraction of a second even at 128x768x3072). Integers in JS numbers: exact in any order.
 */
function naiveIntegerAcc(aCodes, bCodes, M, K, N, aZeroPoint, bZeroPoint) {
  const acc = new Float64Array(M * N);
  for (let m = 0; m < M; m++) {
    const row = m * N;
    for (let k = 0; k < K; k++) {
      const av = aCodes[m * K + k] - aZeroPoint;
      const bRow = k * N;
      for (let n = 0; n < N; n++) acc[row + n] += av * (bCodes[bRow + n] - bZeroPoint[n]);
    }
  }
  return acc;
}

/** Exactness of one shape: accumulators vs the naive integer reference, output vs core's epilogue. */
function checkMatMul(M, K, N, { a, b, aCodes, bCodes }) {
  const naive = naiveIntegerAcc(aCodes, bCodes, M, K, N, -7, b.zeroPoint);
  // Spot check that this loop is core's definition (matMulInt8AccImpl) on the first rows.
  const rows = Math.min(M, 2);
  const reference = matMulInt8AccImpl({
    a: aCodes.subarray(0, rows * K),
    b: bCodes,
    M: rows,
    K,
    N,
    transposeB: false,
    aZeroPoint: -7,
    bZeroPoint: b.zeroPoint,
  });
  if (!sameBits(reference, naive.subarray(0, rows * N)))
    throw new Error('cpu bench: naive reference disagrees with matMulInt8AccImpl');
  const out = matMulInt8(a, b); // packs B through the kernel; the lookup below is a cache hit
  const weights = packedWeightCache.get(b.codes.dataId, () => bCodes, K, N, false);
  const ours = matMulInt8AccPacked({
    a: aCodes,
    M,
    weights,
    aScale: a.scale[0],
    aZeroPoint: -7,
    bScale: b.scale,
    bZeroPoint: b.zeroPoint,
  });
  // matMulInt8Impl is exactly requantizeOutputImpl(matMulInt8AccImpl(...)): reuse the naive sums.
  const expected = requantizeOutputImpl(naive, M, N, a.scale[0], b.scale, null, 'linear');
  const exact = sameBits(ours, naive) && sameBits(out.dataSync(), expected);
  out.dispose();
  return exact;
}

async function matMulRows(quick) {
  const rows = [];
  for (const [M, K, N] of MATMUL_SHAPES) {
    const operands = matMulOperands(M, K, N, M * 7919 + K * 31 + N);
    const exact = checkMatMul(M, K, N, operands);
    progress(`matMulInt8 ${M}x${K}x${N}: operands and exactness check done`);
    const { a, b } = operands;
    const af = tf.randomUniform([M, K], -1, 1);
    const bf = tf.randomUniform([K, N], -1, 1);
    const ours = () => {
      const out = matMulInt8(a, b);
      out.dataSync();
      out.dispose();
    };
    const baseline = () => {
      const out = tf.matMul(af, bf);
      out.dataSync();
      out.dispose();
    };
    const cheap = M * K * N <= CHEAP_MACS;
    if (cheap) {
      warmUp(ours);
      warmUp(baseline);
    }
    const timing = await comparePair({
      ...(quick && cheap ? { quick, rounds: 4, runsPerRound: 5, warmup: 0 } : sampling(quick, 0)),
      ours: sampled(ours),
      baseline: sampled(baseline),
    });
    progress(`matMulInt8 ${M}x${K}x${N}: ratio ${timing.ratio}`);
    rows.push({
      kernel: 'matMulInt8',
      shape: `${M}x${K}x${N}`,
      ...timing,
      baseline: 'tfjs-cpu matMul f32',
      exact,
      weight_bytes: packedWeightCache.bytesOf(b.codes.dataId),
      weight_bytes_per_param:
        Math.round((packedWeightCache.bytesOf(b.codes.dataId) / (K * N)) * 1000) / 1000,
    });
    a.dispose();
    b.dispose();
    af.dispose();
    bf.dispose();
  }
  return rows;
}

export async function run({ quick }) {
  const loadBefore = loadavg()[0];
  progress(
    `start (${(performance.now() / 1000).toFixed(1)} s after process start, load average ${loadBefore.toFixed(2)})`,
  );
  await tf.setBackend('cpu');
  const rows = [...(await fakeQuantRows(quick)), ...(await matMulRows(quick))];
  const cpu = cpus();
  const seconds = (performance.now() - started) / 1000;
  progress(`done: kernel rows in ${seconds.toFixed(1)} s, load average ${loadavg()[0].toFixed(2)}`);
  return {
    rows,
    meta: {
      kernel_rows_seconds: round3(seconds),
      load_average_1min: { before: round3(loadBefore), after: round3(loadavg()[0]) },
      machine: `${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} logical cores, ${process.platform}/${process.arch}`,
      packedBytesAfterDispose: packedWeightCache.bytes(),
    },
  };
}
