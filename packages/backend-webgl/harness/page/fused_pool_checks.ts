/**
 * ClipqConv2DInt8 with core's `fusedMaxPool` attribute on webgl: the pool fused into the epilogue
 * (unpacked and packed outputs, odd conv sizes, row chunks of whole images) and the fallback (a pool
 * the epilogue does not take runs as tfjs's MaxPool) against core's Impl conv, requantized, then max
 * pooled in JavaScript. Bit-identical codes, and the pooled shape.
 */
import {
  ClipqConv2DInt8,
  type ConvInt8Attrs,
  conv2dInt8AccImpl,
  convGeometry,
  convInt8OutputImpl,
  requantizeAttrs,
  requantizeCodesImpl,
} from '@clipq/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { scratchBudget } from '../../src/mat_mul_int8_blocked.js';
import type { PageCase } from './checks.js';
import { tf } from './setup.js';

interface PoolCase {
  name: string;
  shape: [number, number, number, number];
  outChannels: number;
  pool: [number, number, 'same' | 'valid'];
  activation: 'linear' | 'relu' | 'relu6';
  /** Scratch budget in bytes for this case (row chunks), default the package's. */
  budget?: number;
  /** false: the epilogue cannot take this pool, tfjs's MaxPool must run. */
  fused: boolean;
}

const CASES: PoolCase[] = [
  {
    name: 'odd conv sizes (9×11), unpacked output',
    shape: [3, 9, 11, 1],
    outChannels: 16,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    fused: true,
  },
  {
    name: 'demo-like 14×14×8, relu6',
    shape: [2, 14, 14, 8],
    outChannels: 24,
    pool: [2, 2, 'valid'],
    activation: 'relu6',
    fused: true,
  },
  {
    name: 'packed output, even pooled rows per image',
    shape: [4, 16, 18, 4],
    outChannels: 64,
    pool: [2, 2, 'valid'],
    activation: 'linear',
    fused: true,
  },
  {
    name: 'packed output, odd pooled rows per image (7×7)',
    shape: [3, 14, 14, 2],
    outChannels: 128,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    fused: true,
  },
  {
    name: 'row chunks of one image, unpacked output',
    shape: [5, 12, 10, 3],
    outChannels: 20,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    budget: 20_000,
    fused: true,
  },
  {
    name: 'row chunks of image pairs, packed output, odd pooled rows',
    shape: [5, 14, 14, 2],
    outChannels: 128,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    budget: 331_200,
    fused: true,
  },
  {
    name: '3×3 stride-2 same pool: conv, then tfjs MaxPool',
    shape: [2, 9, 11, 1],
    outChannels: 16,
    pool: [3, 2, 'same'],
    activation: 'relu',
    fused: false,
  },
  {
    name: 'one image over the scratch budget: conv in row chunks, then tfjs MaxPool',
    shape: [2, 12, 10, 3],
    outChannels: 20,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    budget: 1,
    fused: false,
  },
];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Max pool of NHWC int32 codes, taps outside the image skipped (as TF). */
function maxPoolReference(
  codes: Int32Array,
  shape: number[],
  [size, stride, pad]: PoolCase['pool'],
): { values: number[]; shape: number[] } {
  const info = tf.backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    size,
    stride,
    1,
    pad,
  );
  const [, H, W, C] = shape as [number, number, number, number];
  const values: number[] = [];
  for (let b = 0; b < info.batchSize; b++)
    for (let oy = 0; oy < info.outHeight; oy++)
      for (let ox = 0; ox < info.outWidth; ox++)
        for (let c = 0; c < C; c++) {
          let m = Number.NEGATIVE_INFINITY;
          for (let ky = 0; ky < size; ky++)
            for (let kx = 0; kx < size; kx++) {
              const iy = oy * stride - info.padInfo.top + ky;
              const ix = ox * stride - info.padInfo.left + kx;
              if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                m = Math.max(m, codes[((b * H + iy) * W + ix) * C + c]!);
            }
          values.push(m);
        }
  return { values, shape: info.outShape };
}

async function runCase(c: PoolCase, seed: number): Promise<void> {
  await tf.setBackend('webgl');
  const r = seeded(seed);
  const [, , , C] = c.shape;
  const N = c.outChannels;
  const code = () => Math.floor(r() * 256) - 128;
  const x = Int32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, code);
  const filter = Int32Array.from({ length: 9 * C * N }, code);
  const wZeroPoint = Int32Array.from({ length: N }, (_, n) => (n % 3) - 1);
  const wScale = Float32Array.from({ length: N }, () => 0.001 + r() * 0.01);
  const bias = Float32Array.from({ length: N }, () => r() - 0.5);
  const range = requantizeAttrs(-2, 3, 8);
  const [size, stride, pad] = c.pool;
  const attrs: ConvInt8Attrs = {
    strides: [1, 1],
    pad: 'same',
    dilations: [1, 1],
    xScale: 0.05,
    xZeroPoint: -9,
    activation: c.activation,
    hasBias: true,
    requantize: range,
    fusedMaxPool: { poolSize: [size, size], strides: [stride, stride], pad },
  } as ConvInt8Attrs;
  const inputs = {
    x: tf.tensor(x, c.shape, 'int32'),
    filter: tf.tensor(filter, [3, 3, C, N], 'int32'),
    wScale: tf.tensor1d(wScale),
    wZeroPoint: tf.tensor1d(wZeroPoint, 'int32'),
    bias: tf.tensor1d(bias),
  };
  const saved = scratchBudget.maxBytesPerCall;
  const savedMinRows = scratchBudget.minRows;
  if (c.budget !== undefined) {
    scratchBudget.maxBytesPerCall = c.budget;
    scratchBudget.minRows = 8;
  }
  try {
    const profile = await tf.profile(
      () => tf.engine().runKernel(ClipqConv2DInt8, inputs, attrs as never) as Tensor,
    );
    const out = profile.result as Tensor;
    const pooledSeparately = profile.kernelNames.includes('MaxPool');
    if (pooledSeparately === c.fused)
      throw new Error(`expected the pool ${c.fused ? 'fused' : 'run by tfjs MaxPool'}`);
    const actual = Array.from(await out.data());
    const shape = out.shape;
    const dtype = out.dtype;
    out.dispose();
    const geometry = convGeometry(c.shape, 3, 3, [1, 1], [1, 1], 'same');
    const acc = conv2dInt8AccImpl({ x, filter, geometry, xZeroPoint: -9, wZeroPoint }, N);
    const values = convInt8OutputImpl(acc, N, {
      xScale: 0.05,
      wScale,
      bias,
      activation: c.activation,
    });
    const codes = Int32Array.from(requantizeCodesImpl(values, range));
    const convShape = [c.shape[0], geometry.outHeight, geometry.outWidth, N];
    const expected = maxPoolReference(codes, convShape, c.pool);
    if (dtype !== 'int32') throw new Error(`dtype ${dtype}, expected int32`);
    if (shape.join() !== expected.shape.join())
      throw new Error(`shape [${shape}], expected [${expected.shape}]`);
    const bad = actual.findIndex((v, i) => v !== expected.values[i]);
    if (bad >= 0) throw new Error(`value ${bad}: ${actual[bad]}, expected ${expected.values[bad]}`);
  } finally {
    scratchBudget.maxBytesPerCall = saved;
    scratchBudget.minRows = savedMinRows;
    for (const t of Object.values(inputs)) t.dispose();
  }
}

export function fusedPoolChecks(): PageCase[] {
  const cases: PageCase[] = CASES.map((c, i) => ({
    suite: 'webgl conv fused max pool',
    name: c.name,
    run: () => runCase(c, 700 + i),
  }));
  cases.push({
    suite: 'webgl conv fused max pool',
    name: 'the registered kernel function says supportsFusedMaxPool',
    run() {
      const kernel = tf.getKernel(ClipqConv2DInt8, 'webgl')?.kernelFunc as {
        supportsFusedMaxPool?: boolean;
      };
      if (kernel?.supportsFusedMaxPool !== true)
        throw new Error('supportsFusedMaxPool is not true');
    },
  });
  return cases;
}
