/**
 * WebGL-specific in-page checks beyond the shared conformance suite: registration, GL errors after
 * every clipq kernel, texture leaks, and int8 results identical across webgl (both paths) and cpu.
 */

import { cpuKernelConfigs } from '@clipq/backend-cpu/base';
import {
  ClipqConv2DInt8,
  isKernelRegistered,
  kernelFusesMaxPool,
  matMulInt8,
  quantize,
  withFusedMaxPool,
} from '@clipq/core';
import {
  assertExact,
  MATMUL_CASES,
  type MatMulCase,
  makeMatMulOperands,
} from '@clipq/core/testing';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { ownTextureStats, webglKernelConfigs, webglPackedWeightCache } from '../../src/base.js';
import { tf } from './setup.js';

export interface PageCase {
  suite: string;
  name: string;
  run(): Promise<void> | void;
}

/** Whether importing the package registered exactly our kernel functions (recorded before wrapping). */
const registeredAtImport = new Map<string, boolean>();
export const kernelCalls = new Map<string, number>();

function webglContext(): WebGL2RenderingContext {
  return (tf.findBackend('webgl') as MathBackendWebGL).gpgpu.gl as WebGL2RenderingContext;
}

/** Re-registers each clipq webgl kernel behind a wrapper that counts calls and checks gl.getError(). */
export function instrumentKernels(): void {
  for (const config of webglKernelConfigs) {
    registeredAtImport.set(config.kernelName, isKernelRegistered(config));
    // The wrapper must keep the kernel's capability marks (ClipqConv2DInt8's withFusedMaxPool).
    const fuses = config.kernelName === ClipqConv2DInt8 && kernelFusesMaxPool('webgl');
    tf.unregisterKernel(config.kernelName, 'webgl');
    const kernelFunc: tf.KernelFunc = (args) => {
      const out = config.kernelFunc(args);
      const error = webglContext().getError();
      if (error !== 0)
        throw new Error(`${config.kernelName}: gl.getError() = 0x${error.toString(16)}`);
      kernelCalls.set(config.kernelName, (kernelCalls.get(config.kernelName) ?? 0) + 1);
      return out;
    };
    tf.registerKernel({ ...config, kernelFunc: fuses ? withFusedMaxPool(kernelFunc) : kernelFunc });
  }
}

async function matMulOn(backend: string, c: MatMulCase, seed: number): Promise<Float32Array> {
  await tf.setBackend(backend);
  const { a, b, bias } = makeMatMulOperands(c, seed);
  const out = matMulInt8(a, b, {
    activation: c.activation,
    transposeB: c.transposeB,
    ...(bias ? { bias } : {}),
  });
  const values = (await out.data()) as Float32Array;
  out.dispose();
  a.dispose();
  b.dispose();
  return values;
}

export function textureCounts() {
  const backend = tf.findBackend('webgl') as MathBackendWebGL;
  const manager = (backend as unknown as { textureManager: { getNumUsedTextures(): number } })
    .textureManager;
  return {
    clipq: ownTextureStats().textures,
    tfjsUsed: manager.getNumUsedTextures(),
    tensors: tf.memory().numTensors,
    packedBytes: webglPackedWeightCache.bytes(),
  };
}

const EXTRA_SHAPES: MatMulCase[] = [
  { M: 64, K: 1024, N: 256, perChannel: true, transposeB: false, activation: 'linear', bias: true },
  {
    M: 13,
    K: 8192,
    N: 12,
    perChannel: false,
    transposeB: true,
    activation: 'relu',
    bias: false,
    edgeOnly: true,
  },
];

export function webglChecks(): PageCase[] {
  const suite = 'webgl checks';
  const cases: PageCase[] = [
    {
      suite,
      name: 'importing @clipq/backend-webgl registers all its kernels for webgl',
      run() {
        for (const config of webglKernelConfigs) {
          if (!registeredAtImport.get(config.kernelName))
            throw new Error(`${config.kernelName} not registered`);
        }
      },
    },
    {
      suite,
      name: "the page's 'cpu' backend runs @clipq/backend-cpu's kernels (the int8 comparisons use them)",
      run() {
        const missing = cpuKernelConfigs.filter((config) => !isKernelRegistered(config));
        if (missing.length)
          throw new Error(`not registered: ${missing.map((c) => c.kernelName).join(', ')}`);
      },
    },
    {
      suite,
      name: 'dispose() leaves no texture behind (packed B, scratch, tfjs textures, tensors)',
      async run() {
        await tf.setBackend('webgl');
        const before = textureCounts();
        const { a, b, bias } = makeMatMulOperands(MATMUL_CASES[4]!, 7);
        const x = tf.randomUniform([8, 16], -1, 1);
        const q = quantize(x, -1, 1);
        const out = matMulInt8(a, b, { bias: bias ?? undefined });
        await out.data();
        const during = textureCounts();
        if (during.clipq <= before.clipq || during.packedBytes <= before.packedBytes) {
          throw new Error(
            `expected packed B and workspace textures, counts ${JSON.stringify({ before, during })}`,
          );
        }
        for (const t of [out, x]) t.dispose();
        q.dispose();
        a.dispose();
        b.dispose();
        const after = textureCounts();
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          throw new Error(
            `textures left behind: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
          );
        }
      },
    },
  ];
  [...MATMUL_CASES, ...EXTRA_SHAPES].forEach((c, i) => {
    const shape = `${c.M}x${c.K}x${c.N}${c.transposeB ? ' transposeB' : ''}${c.perChannel ? ' per-channel' : ''}`;
    cases.push({
      suite,
      name: `matMulInt8 identical on webgl (int textures), webgl (float fallback) and cpu: ${shape}`,
      async run() {
        const cpu = await matMulOn('cpu', c, 500 + i);
        const integer = await matMulOn('webgl', c, 500 + i);
        tf.env().set('CLIPQ_WEBGL_RAW_PASSES', false);
        try {
          assertExact(await matMulOn('webgl', c, 500 + i), cpu, `${shape} float fallback vs cpu`);
        } finally {
          tf.env().set('CLIPQ_WEBGL_RAW_PASSES', true);
        }
        assertExact(integer, cpu, `${shape} int textures vs cpu`);
      },
    });
  });
  return cases;
}

/** Must run last: every clipq kernel was executed on webgl through the instrumented wrappers. */
export function kernelsRanCheck(): PageCase {
  return {
    suite: 'webgl kernels ran (after every suite above)',
    name: 'every clipq webgl kernel actually ran (and each call left gl.getError() == 0)',
    run() {
      const missing = webglKernelConfigs.filter((c) => !(kernelCalls.get(c.kernelName)! > 0));
      if (missing.length)
        throw new Error(`never ran: ${missing.map((c) => c.kernelName).join(', ')}`);
    },
  };
}
