/**
 * The int8 convolutions read tfjs packed inputs in place (the previous int8 layer's requantized codes
 * are packed): the shared conformance suite builds its inputs unpacked, so these checks repeat its conv
 * cases (plus convolutions taller than the texture size limit) with a packed copy of the input codes
 * and require the same exact outputs.
 */

import { dequantize, QuantizedTensor } from '@clipq/core';
import { assertExact, type ConvCase, convCases, makeConvOperands } from '@clipq/core/testing';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { Tensor } from '@tensorflow/tfjs-core';
import { textureData } from '../../src/gl/webgl_backend.js';
import type { PageCase } from './checks.js';
import { tf } from './setup.js';

/** A packed copy of int32 codes (tfjs's packed binary program), checked to really be packed. */
function packedCopy(codes: Tensor): Tensor {
  const copy = tf.add(codes, tf.zerosLike(codes));
  const backend = tf.backend() as MathBackendWebGL;
  if (!textureData(backend, copy.dataId).isPacked)
    throw new Error('test setup: expected tfjs to produce a packed texture');
  return copy;
}

/** Convolutions taller than the texture size limit (8192 on SwiftShader): A is folded into slabs. */
function tallCases(base: ConvCase): ConvCase[] {
  const tall = { ...base, batch: 1, height: 96, width: 96, inChannels: 4, outOrMultiplier: 8 };
  return [
    { ...tall, depthwise: false, kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pad: 'valid' },
    { ...tall, depthwise: false, kernel: [3, 3], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  ];
}

export function packedInputChecks(): PageCase[] {
  const cases = convCases(16);
  const pointwise: ConvCase = {
    ...cases.find((c) => c.depthwise)!,
    depthwise: false,
    kernel: [1, 1],
    strides: [1, 1],
    dilations: [1, 1],
    outOrMultiplier: 5,
  };
  cases.push(...[6, 7].map((width) => ({ ...pointwise, width, batch: 2, height: 3 })));
  cases.push(...tallCases(pointwise));
  return [...cases.map((c, i) => convCase(c, i)), dequantizeCase()];
}

/** dequantize reads packed per-tensor codes in place: same values as from unpacked codes. */
function dequantizeCase(): PageCase {
  return {
    suite: 'webgl packed inputs',
    name: 'dequantize reads packed per-tensor codes in place (ranks 2-4, odd sizes)',
    async run() {
      await tf.setBackend('webgl');
      for (const shape of [
        [5, 7],
        [3, 5, 6],
        [2, 3, 5, 7],
      ]) {
        const size = shape.reduce((a, b) => a * b, 1);
        const codes = tf.tensor(
          Int32Array.from({ length: size }, (_, i) => ((i * 37) % 256) - 128),
          shape,
          'int32',
        );
        const spec = {
          scale: Float32Array.of(0.0123),
          zeroPoint: Int32Array.of(-7),
          axis: null,
          bits: 8,
          narrowRange: false,
        };
        const unpacked = new QuantizedTensor(codes, spec);
        const packed = new QuantizedTensor(packedCopy(codes), spec);
        const expected = dequantize(unpacked);
        const actual = dequantize(packed);
        try {
          assertExact(actual.dataSync(), expected.dataSync(), `dequantize [${shape}]`);
        } finally {
          for (const t of [expected, actual, unpacked, packed]) t.dispose();
        }
      }
    },
  };
}

function convCase(c: ConvCase, i: number): PageCase {
  return {
    suite: 'webgl packed inputs',
    name: `${c.depthwise ? 'depthwise' : 'conv'} int8 reads packed codes in place: [${c.batch},${c.height},${c.width},${c.inChannels}] k${c.kernel.join('x')} s${c.strides.join(',')} d${c.dilations.join(',')} ${c.pad}`,
    async run() {
      await tf.setBackend('webgl');
      const { x, filter, expected, run, outShape } = makeConvOperands(c, 700 + i);
      const reference = run();
      assertExact(reference.dataSync(), expected, 'unpacked input');
      reference.dispose();
      // The operands' run() closes over x: swap its codes for a packed copy (restored for dispose).
      const holder = x as unknown as { codesTensor: Tensor };
      const unpacked = holder.codesTensor;
      holder.codesTensor = packedCopy(unpacked);
      try {
        const out = run();
        const values = out.dataSync();
        out.dispose();
        if (out.shape.join() !== outShape.join())
          throw new Error(`output shape [${out.shape}], expected [${outShape}]`);
        assertExact(values, expected, 'packed input');
      } finally {
        holder.codesTensor.dispose();
        holder.codesTensor = unpacked;
        x.dispose();
        filter.dispose();
      }
    },
  };
}
