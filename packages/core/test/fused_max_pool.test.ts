import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ClipqConv2DInt8,
  type ClipqConv2DInt8Attrs,
  ClipqDepthwiseConv2DInt8,
  HostWeightCache,
  kernelFusesMaxPool,
  registerKernelOverride,
  registerPackedWeightCache,
  requiredWeightInput,
  weightShape,
  withFusedMaxPool,
} from '../src/index.js';
import { calibrate, convertToInt8, prepareQat } from '../src/layers/index.js';
import { fusedMaxPoolConformanceCases } from '../src/testing/index.js';
import { useBackend } from './setup.js';

registerPackedWeightCache(new HostWeightCache('cpu'));
const reference = tf.getKernel(ClipqConv2DInt8, 'cpu')!;

/** Core's reference kernel, marked, and running the fused pool after it (as a backend kernel would). */
const pooling = withFusedMaxPool(((args: Parameters<tf.KernelFunc>[0]) => {
  const pool = (args.attrs as unknown as ClipqConv2DInt8Attrs).fusedMaxPool;
  return tf.tidy(() => {
    const attrs = { ...args.attrs, fusedMaxPool: null } as unknown as tf.NamedAttrMap;
    const out = reference.kernelFunc({ ...args, attrs });
    if (!pool) return out as tf.Tensor;
    const values = tf.cast(out as tf.Tensor, 'float32') as tf.Tensor4D;
    return tf.cast(tf.maxPool(values, pool.poolSize, pool.strides, pool.pad), 'int32');
  });
}) as tf.KernelFunc);

function useKernel(kernelFunc: tf.KernelFunc): void {
  registerKernelOverride({ kernelName: ClipqConv2DInt8, backendName: 'cpu', kernelFunc });
}

beforeAll(() => useBackend('cpu'));
afterEach(() => useKernel(reference.kernelFunc));

// Core's reference ClipqConv2DInt8 does not fuse: the shared cases check the conv, then MaxPool.
describe('fused max pool conformance on cpu (reference kernels, not marked)', () => {
  for (const c of fusedMaxPoolConformanceCases('cpu', { fuses: false })) it(c.name, c.run);
});

describe('fused max pool conformance on cpu (a marked kernel that pools)', () => {
  for (const c of fusedMaxPoolConformanceCases('cpu')) {
    it(c.name, async () => {
      useKernel(pooling);
      await c.run();
    });
  }
});

describe('withFusedMaxPool / kernelFusesMaxPool', () => {
  it('follows the registered kernel function, for the active backend by default', () => {
    expect(kernelFusesMaxPool('cpu')).toBe(false);
    useKernel(pooling);
    expect(kernelFusesMaxPool('cpu')).toBe(true);
    expect(kernelFusesMaxPool()).toBe(true);
    expect(kernelFusesMaxPool('no-such-backend')).toBe(false);
    useKernel(reference.kernelFunc);
    expect(kernelFusesMaxPool('cpu')).toBe(false);
  });
});

describe('weightShape / requiredWeightInput', () => {
  it('reads the pinned shape without an input, and names the kernel when the input is missing', () => {
    const filter = tf.zeros([3, 3, 2, 4], 'int32');
    const pinned = { key: {}, shape: [18, 4] };
    expect(weightShape(ClipqConv2DInt8, undefined, pinned)).toEqual([18, 4]);
    expect(weightShape(ClipqConv2DInt8, filter, null)).toEqual([3, 3, 2, 4]);
    expect(requiredWeightInput(ClipqConv2DInt8, filter)).toBe(filter);
    expect(() => weightShape(ClipqConv2DInt8, undefined, null)).toThrow(
      'ClipqConv2DInt8: the weight input is missing (and no pinnedWeights attribute)',
    );
    filter.dispose();
  });

  it('gives the same error from the reference kernels when the weight input is missing', () => {
    const x = tf.zeros([1, 4, 4, 2], 'int32');
    const scale = tf.tensor1d([0.1, 0.1]);
    const zeroPoint = tf.tensor1d([0, 0], 'int32');
    const attrs = {
      xScale: 0.1,
      xZeroPoint: 0,
      strides: [1, 1],
      pad: 'same',
      dilations: [1, 1],
      activation: 'linear',
      hasBias: false,
    } as unknown as tf.NamedAttrMap;
    const inputs = { x, wScale: scale, wZeroPoint: zeroPoint } as unknown as tf.NamedTensorMap;
    for (const kernelName of [ClipqConv2DInt8, ClipqDepthwiseConv2DInt8]) {
      expect(() => tf.engine().runKernel(kernelName, inputs, attrs)).toThrow(
        `${kernelName}: the weight input is missing (and no pinnedWeights attribute)`,
      );
    }
    tf.dispose([x, scale, zeroPoint]);
  });
});

async function convPoolModel() {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({
      inputShape: [9, 11, 2],
      filters: 6,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
    }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(
    tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }),
  );
  const x = tf.randomUniform([3, 9, 11, 2], -1, 1, 'float32', 6);
  const qat = prepareQat(model);
  await calibrate(qat, x, { method: 'minmax' });
  return { converted: convertToInt8(qat), x };
}

describe('int8 runtime: the pool offered to a marked kernel', () => {
  it('is fused by a marked kernel from the next predict on, and not after a re-registration', async () => {
    const { converted, x } = await convPoolModel();
    const run = () => {
      const out = converted.predict(x);
      const values = Array.from(out.dataSync());
      out.dispose();
      return { values, paths: converted.plan().map((p) => p.path) };
    };
    const separate = run();
    expect(separate.paths[2]).toBe('max pool on codes');
    // The runtime looks the kernel up once per predict: a kernel marked now is used by the next call.
    useKernel(pooling);
    const fused = run();
    expect(fused.paths[1]).toMatch(/\+ max pool fused$/);
    expect(fused.paths[2]).toMatch(/^fused into /);
    expect(fused.values).toEqual(separate.values);
    // Packed weights take the same path.
    converted.pack();
    expect(run()).toEqual(fused);
    // Re-registered by a kernel that does not fuse: the pool is no longer offered.
    useKernel(reference.kernelFunc);
    for (let i = 0; i < 2; i++) {
      const after = run();
      expect(after.values).toEqual(separate.values);
      expect(after.paths[1]).not.toMatch(/max pool fused/);
      expect(after.paths[2]).toBe('max pool on codes');
    }
  });

  it('runs the pool step when a marked kernel ignores the pool (full-height output)', async () => {
    const { converted, x } = await convPoolModel();
    const expected = converted.predict(x) as tf.Tensor;
    const expectedValues = Array.from(expected.dataSync());
    expected.dispose();
    // Marked, yet returns the unpooled conv: the runtime notices the height and pools itself.
    useKernel(withFusedMaxPool(((args) => reference.kernelFunc(args)) as tf.KernelFunc));
    const out = converted.predict(x) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(expectedValues);
    out.dispose();
    const paths = converted.plan().map((p) => p.path);
    expect(paths[1]).not.toMatch(/max pool fused/);
    expect(paths[2]).toBe('max pool on codes');
    converted.dispose();
    x.dispose();
  });
});
