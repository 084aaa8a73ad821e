/**
 * WebGL checks of pinned weights (QuantizedTensor.pack) beyond the shared conformance suites, which
 * already run every matmul/conv/depthwise case pinned: the unpack round trip from the RGBA8I texture,
 * 1 byte per code, release freeing every texture, pinned entries surviving their codes' dispose and a
 * sweep, the error for a key that is not pinned, and the program paths (raw passes off), which read a
 * temporary codes tensor unpacked from the pinned texture.
 */
import {
  ClipqConv2DInt8,
  ClipqDepthwiseConv2DInt8,
  ClipqMatMulInt8,
  matMulInt8,
  type PinnableKernel,
  QuantizedTensor,
} from '@clipq/core';
import {
  assertExact,
  convInt8ConformanceCases,
  int8ConformanceCases,
  MATMUL_CASES,
  makeMatMulOperands,
} from '@clipq/core/testing';
import { webglPackedWeightCache } from '../../src/base.js';
import { weightLayout } from '../../src/packed_weights.js';
import { type PageCase, textureCounts } from './checks.js';
import { tf } from './setup.js';

const suite = 'webgl pinned weights';

/** Codes of `shape` with every int8 value, per-tensor scale 1 and zero point 0. */
function codes(shape: number[], seed: number): QuantizedTensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Int32Array.from({ length: size }, (_, i) => ((i * 37 + seed * 11) % 256) - 128);
  return new QuantizedTensor(tf.tensor(values, shape, 'int32'), {
    scale: Float32Array.of(1),
    zeroPoint: Int32Array.of(0),
    axis: null,
    bits: 8,
    narrowRange: false,
  });
}

/**
 * The pinned layouts, with column counts that are not multiples of 4: 6 columns fold two rows into a
 * texture row (⌈37/2⌉ rows × 3 texels, 228 bytes for 222 codes), 15 are padded to a stride of 16.
 */
const LAYOUTS: Array<{ kernelName: PinnableKernel; shape: number[]; texelBytes: number }> = [
  { kernelName: ClipqMatMulInt8, shape: [37, 6], texelBytes: 19 * 3 * 4 },
  { kernelName: ClipqConv2DInt8, shape: [3, 3, 5, 8], texelBytes: 45 * 8 },
  { kernelName: ClipqDepthwiseConv2DInt8, shape: [3, 3, 5, 3], texelBytes: 9 * 16 },
];

function expectError(run: () => unknown, pattern: RegExp, what: string): void {
  try {
    run();
  } catch (error) {
    if (pattern.test((error as Error).message)) return;
    throw new Error(`${what}: wrong error: ${(error as Error).message}`);
  }
  throw new Error(`${what}: no error`);
}

/** Runs a kernel with pinned weights under `key`, the weight input absent. */
function runPinned(kernelName: PinnableKernel, key: object, shape: number[]): void {
  const channels = kernelName === ClipqDepthwiseConv2DInt8 ? shape[2]! * shape[3]! : shape.at(-1)!;
  const scale = tf.ones([channels]);
  const zeroPoint = tf.zeros([channels], 'int32');
  const x =
    kernelName === ClipqMatMulInt8
      ? tf.zeros([2, shape[0]!], 'int32')
      : tf.zeros([1, 6, 6, shape[2]!], 'int32');
  const pinnedWeights = { key, shape };
  const common = { activation: 'linear', hasBias: false, pinnedWeights };
  try {
    const out =
      kernelName === ClipqMatMulInt8
        ? tf
            .engine()
            .runKernel(
              kernelName,
              { a: x, bScale: scale, bZeroPoint: zeroPoint },
              { aScale: 1, aZeroPoint: 0, transposeB: false, ...common },
            )
        : tf.engine().runKernel(
            kernelName,
            { x, wScale: scale, wZeroPoint: zeroPoint },
            {
              strides: [1, 1],
              pad: 'same',
              dilations: [1, 1],
              xScale: 1,
              xZeroPoint: 0,
              ...common,
            },
          );
    (out as tf.Tensor).dispose();
  } finally {
    for (const t of [scale, zeroPoint, x]) t.dispose();
  }
}

/** The shared int8 suites with clipq's raw WebGL2 passes off: the program paths, on pinned textures. */
export function programPathPinnedCases(): PageCase[] {
  const cases = [...int8ConformanceCases('webgl'), ...convInt8ConformanceCases('webgl')];
  return cases.map((c) => ({
    suite:
      'webgl int8 conformance, program paths (raw passes off; pinned cases unpack the texture)',
    name: c.name,
    async run() {
      tf.env().set('CLIPQ_WEBGL_RAW_PASSES', false);
      try {
        await c.run();
      } finally {
        tf.env().set('CLIPQ_WEBGL_RAW_PASSES', true);
      }
    },
  }));
}

export function pinnedChecks(): PageCase[] {
  return [
    {
      suite,
      name: 'pin keeps ~1 byte per code (RGBA8I, rows folded or padded to 4 columns), unpack gives the codes back, release frees every texture',
      async run() {
        await tf.setBackend('webgl');
        const before = textureCounts();
        for (const [i, { kernelName, shape, texelBytes }] of LAYOUTS.entries()) {
          const q = codes(shape, i);
          const original = q.codes.dataSync().slice();
          const bytes = webglPackedWeightCache.bytes();
          if (!q.pack(kernelName) || !q.isPacked) throw new Error(`${kernelName}: not packed`);
          const grown = webglPackedWeightCache.bytes() - bytes;
          if (grown !== texelBytes)
            throw new Error(
              `${kernelName} [${shape}]: cache grew ${grown} bytes, not ${texelBytes}`,
            );
          const key = q.pinned!.key;
          assertExact(webglPackedWeightCache.unpack(key)!, original, `${kernelName} unpack`);
          // Running the kernel adds the epilogue (and matmul scratch) textures; release frees them too.
          runPinned(kernelName, key, shape);
          webglPackedWeightCache.release(key);
          webglPackedWeightCache.release(key);
          if (webglPackedWeightCache.unpack(key) !== null)
            throw new Error(`${kernelName}: unpack after release`);
          q.dispose();
        }
        const after = textureCounts();
        if (JSON.stringify(after) !== JSON.stringify(before))
          throw new Error(`left behind: ${JSON.stringify({ before, after })}`);
      },
    },
    {
      suite,
      name: 'pinned weights survive their codes being disposed and a sweep of dead packings',
      async run() {
        await tf.setBackend('webgl');
        const c = MATMUL_CASES[4]!;
        const { a, b, bias, expected } = makeMatMulOperands(c, 41);
        const options = { ...(bias ? { bias } : {}), activation: c.activation };
        if (!b.pack(ClipqMatMulInt8) || !b.isPacked) throw new Error('not packed');
        // A weight packed from a tensor disposed without release(): the next packing sweeps it.
        const dead = codes([c.K, 3], 5);
        matMulInt8(a, dead, {}).dispose();
        dead.codes.dispose();
        const fresh = codes([c.K, 5], 6);
        const bytesBefore = webglPackedWeightCache.bytes();
        matMulInt8(a, fresh, {}).dispose();
        const bytesOf = (K: number, N: number) => {
          const texels = weightLayout(K, N);
          return texels.width * texels.height * 4;
        };
        const swept = bytesBefore + bytesOf(c.K, 5) - webglPackedWeightCache.bytes();
        if (swept !== bytesOf(c.K, 3))
          throw new Error(`sweep freed ${swept} bytes, not ${bytesOf(c.K, 3)}`);
        assertExact(matMulInt8(a, b, options).dataSync(), expected, 'pinned after a sweep');
        if (!b.isPacked) throw new Error('the op unpacked the pinned weights');
        fresh.dispose();
        dead.dispose();
        a.dispose();
        b.dispose();
      },
    },
    {
      suite,
      name: 'a key that is not pinned (unknown, or released) fails with an error naming the kernel',
      async run() {
        await tf.setBackend('webgl');
        for (const { kernelName, shape } of LAYOUTS) {
          const pattern = new RegExp(
            `^${kernelName}: pinned weights not found on backend 'webgl': released, or packed on another backend`,
          );
          expectError(() => runPinned(kernelName, {}, shape), pattern, `${kernelName} unknown key`);
          const q = codes(shape, 3);
          q.pack(kernelName);
          const key = q.pinned!.key;
          q.dispose();
          expectError(() => runPinned(kernelName, key, shape), pattern, `${kernelName} released`);
        }
      },
    },
  ];
}
