/**
 * The integer matmul's scratch is shared per backend (src/scratch_pool.ts): it must not grow with the
 * number of layers, a mix of shapes must cost about the largest layer alone, results must stay
 * bit-identical however A and the accumulators are folded, and the scratch goes with the last weights.
 */

import { matMulInt8, type QuantizedTensor } from '@clipq/core';
import {
  assertExact,
  convInt8ConformanceCases,
  int8ConformanceCases,
  type MatMulCase,
  makeMatMulOperands,
} from '@clipq/core/testing';
import { scratchBytes, webglPackedWeightCache } from '../../src/base.js';
import { scratchBudget } from '../../src/mat_mul_int8_blocked.js';
import { directPath } from '../../src/mat_mul_int8_webgl2.js';
import type { PageCase } from './checks.js';
import { tf } from './setup.js';

const LAYER: MatMulCase = {
  M: 96,
  K: 200,
  N: 40,
  perChannel: true,
  transposeB: false,
  activation: 'relu',
  bias: true,
};

/** The demo CNN's blocked shapes: a narrow, tall first conv, a wider conv, a wide and short dense. */
const DEMO_SHAPES: MatMulCase[] = [
  { ...LAYER, M: 784, K: 9, N: 32 },
  { ...LAYER, M: 196, K: 288, N: 64 },
  { ...LAYER, M: 1, K: 1568, N: 10, perChannel: false, activation: 'linear' },
];

/** Runs `call` with every matmul on the blocked passes (the ones with scratch). */
async function blocked<T>(call: () => Promise<T>): Promise<T> {
  const saved = directPath.maxWork;
  directPath.maxWork = 0;
  try {
    return await call();
  } finally {
    directPath.maxWork = saved;
  }
}

interface Layer {
  a: QuantizedTensor;
  b: QuantizedTensor;
  bias: Float32Array | null;
  /** Core's integer reference (`matMulInt8Impl`). */
  expected: Float32Array;
  c: MatMulCase;
}

async function runLayer(layer: Layer): Promise<Float32Array> {
  const out = matMulInt8(layer.a, layer.b, {
    activation: layer.c.activation,
    ...(layer.bias ? { bias: layer.bias } : {}),
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

function describe(c: MatMulCase): string {
  return `${c.M}x${c.K}x${c.N}`;
}

function makeLayer(c: MatMulCase, seed: number): Layer {
  return { ...makeMatMulOperands(c, seed), c };
}

function disposeLayers(layers: Layer[]): void {
  for (const layer of layers) {
    layer.a.dispose();
    layer.b.dispose();
  }
}

/** Scratch bytes of running `shapes` as layers that all stay alive, and each one's output. */
async function scratchOf(shapes: MatMulCase[], seed: number) {
  await tf.setBackend('webgl');
  const layers = shapes.map((c, i) => makeLayer(c, seed + i));
  try {
    const outputs = await blocked(async () => {
      const values: Float32Array[] = [];
      for (const layer of layers) values.push(await runLayer(layer));
      return values;
    });
    for (const [i, layer] of layers.entries())
      assertExact(outputs[i]!, layer.expected, `${describe(layer.c)} vs matMulInt8Impl`);
    return { bytes: scratchBytes(), outputs };
  } finally {
    disposeLayers(layers);
  }
}

/** Weights kept alive while the conformance suites run, whose shapes fold every later A and acc. */
let wide: Layer[] = [];

/**
 * The int8 and conv conformance suites on the blocked passes while a very wide A (K = 8192) and very
 * wide accumulators (N = 2048) hold the shared scratch: every case's A and accumulators are then
 * folded into 8-row slabs, the layout a model's small layers get next to its large ones.
 */
function foldedScratchCases(): PageCase[] {
  const suite = 'webgl int8 conformance, folded shared scratch';
  const cases = [...int8ConformanceCases('webgl'), ...convInt8ConformanceCases('webgl')];
  const setUp: PageCase = {
    suite,
    name: 'a wide A and wide accumulators hold the shared scratch',
    async run() {
      await tf.setBackend('webgl');
      disposeLayers(wide);
      wide = [
        makeLayer({ ...LAYER, M: 8, K: 8192, N: 8 }, 91),
        makeLayer({ ...LAYER, M: 8, K: 8, N: 2048 }, 92),
      ];
      await blocked(async () => {
        for (const layer of wide)
          assertExact(await runLayer(layer), layer.expected, describe(layer.c));
      });
      if (scratchBytes() === 0) throw new Error('no shared scratch after two blocked matmuls');
    },
  };
  const tearDown: PageCase = {
    suite,
    name: 'disposing the last weights frees the shared scratch',
    async run() {
      disposeLayers(wide);
      wide = [];
      if (webglPackedWeightCache.bytes() === 0 && scratchBytes() !== 0)
        throw new Error(`no weights left, but ${scratchBytes()} scratch bytes`);
      if (webglPackedWeightCache.bytes() !== 0)
        console.log(`scratch check: ${webglPackedWeightCache.bytes()} weight bytes still alive`);
    },
  };
  return [
    setUp,
    ...cases.map((c) => ({ suite, name: c.name, run: () => blocked(() => c.run()) })),
    tearDown,
  ];
}

/** Runs `call` with every blocked product split into chunks of `rows` rows. */
async function chunked<T>(rows: number, call: () => Promise<T>): Promise<T> {
  const saved = { ...scratchBudget };
  scratchBudget.maxBytesPerCall = 0;
  scratchBudget.minRows = rows;
  try {
    return await blocked(call);
  } finally {
    Object.assign(scratchBudget, saved);
  }
}

/** Outputs packed (M·N > 16,384) and unpacked, odd M, a chunk boundary inside a texture row. */
const CHUNKED_SHAPES: MatMulCase[] = [
  { ...LAYER, M: 601, K: 40, N: 36 },
  { ...LAYER, M: 97, K: 30, N: 10, perChannel: false },
  { ...LAYER, M: 2000, K: 20, N: 18, activation: 'relu6' },
];

/**
 * Row-chunked products (scratchBudget): the int8 and conv conformance suites in 8-row chunks, and
 * shapes whose output bands start and end inside texture rows (tfjs's texture size limit lowered, so
 * outputs are folded into squarish textures), all bit-exact.
 */
function chunkedCases(): PageCase[] {
  const suite = 'webgl int8 conformance, row-chunked blocked matmul (8-row chunks)';
  const cases = [...int8ConformanceCases('webgl'), ...convInt8ConformanceCases('webgl')];
  return [
    ...cases.map((c) => ({ suite, name: c.name, run: () => chunked(8, () => c.run()) })),
    {
      suite,
      name: 'chunked outputs, packed and unpacked, in plain and folded textures, match matmulInt8Impl',
      async run() {
        for (const maxTexture of [0, 256]) {
          const saved = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
          if (maxTexture) tf.env().set('WEBGL_MAX_TEXTURE_SIZE', maxTexture);
          try {
            for (const [i, c] of CHUNKED_SHAPES.entries())
              await chunked(40, () => scratchOf([c], 700 + i));
          } finally {
            tf.env().set('WEBGL_MAX_TEXTURE_SIZE', saved);
          }
        }
      },
    },
  ];
}

export function scratchChecks(): PageCase[] {
  const suite = 'webgl shared scratch';
  return [
    {
      suite,
      name: 'scratch bytes do not grow with the number of layers (1 vs 8 identical layers alive, bit-exact)',
      async run() {
        const one = await scratchOf([LAYER], 300);
        const eight = await scratchOf(Array(8).fill(LAYER), 300);
        if (one.bytes === 0) throw new Error('no scratch measured for one blocked layer');
        if (eight.bytes !== one.bytes)
          throw new Error(`scratch of 8 layers ${eight.bytes} bytes, of 1 layer ${one.bytes}`);
      },
    },
    {
      suite,
      name: "the demo CNN's shapes, all alive, share scratch: < their sum, <= 1.5x the largest alone (bit-exact)",
      async run() {
        // A and the accumulators are two textures, each sized for its own largest layer (here conv2's
        // A and conv1's accumulators), so together is at most twice the largest layer alone.
        const alone: number[] = [];
        for (const [i, c] of DEMO_SHAPES.entries())
          alone.push((await scratchOf([c], 400 + i)).bytes);
        const together = (await scratchOf(DEMO_SHAPES, 400)).bytes;
        const largest = Math.max(...alone);
        const sum = alone.reduce((a, b) => a + b, 0);
        if (together > largest * 1.5 || together >= sum) {
          throw new Error(
            `together ${together} bytes, alone ${alone.join(', ')} (largest ${largest})`,
          );
        }
      },
    },
    ...foldedScratchCases(),
    ...chunkedCases(),
  ];
}
