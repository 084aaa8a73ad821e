/**
 * ClipqDepthwiseConv2DInt8 on WebGL2 in one raw pass (programs/depthwise-int8-raw-program.ts): the
 * filter codes packed once into an RGBA8I texture (1 byte per weight, cached per filter dataId and
 * released with the weights, with its zero-point and epilogue textures), x read in place whether
 * packed or not, and a packed tfjs output (float32, or int32 codes when requantizing).
 */
import type {
  ClipqDepthwiseConv2DInt8Attrs,
  ClipqDepthwiseConv2DInt8Inputs,
  ConvGeometry,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { createTexture2D, intFormats, writeTexture2D } from './gl/own_textures.js';
import { rawProgram, runPass } from './gl/raw_pass.js';
import { allocateOutput, gl2, readValues, sampledTensor } from './gl/webgl_backend.js';
import { cachedPacking, type PackedB } from './packed_weights.js';
import { depthwiseInt8Source } from './programs/depthwise-int8-raw-program.js';
import { ACTIVATION_CODES } from './programs/int8-epilogue-program.js';
import { requantizeUniformsByName } from './programs/requantize-glsl.js';
import { xLayout } from './programs/x-reader-glsl.js';
import { sameValues } from './same_values.js';

interface PackedDepthwise extends PackedB {
  /** RGBA32I, ⌈N/4⌉ × 1: the weight zero point per output channel. */
  zeroPoints: WebGLTexture;
  subtractZero: boolean;
  /** RG32F, N × 1: multiplier and bias per output channel, and the values last written there. */
  scaleBias: WebGLTexture;
  written?: Float32Array;
}

/** Texel (n/4, tap) = filter[tap, n..n+3] of the [taps, N] codes (n = c·multiplier + m). */
export function packDepthwise(codes: ArrayLike<number>, taps: number, N: number): Int8Array {
  const width = Math.ceil(N / 4) * 4;
  const packed = new Int8Array(taps * width);
  for (let t = 0; t < taps; t++)
    for (let n = 0; n < N; n++) packed[t * width + n] = codes[t * N + n]!;
  return packed;
}

function packedFilter(
  backend: MathBackendWebGL,
  inputs: ClipqDepthwiseConv2DInt8Inputs,
  taps: number,
  N: number,
): PackedDepthwise {
  return cachedPacking<PackedDepthwise>(
    backend,
    inputs.filter.dataId,
    (cached) => cached.layout === 'depthwise' && cached.K === taps && cached.N === N,
    () => {
      const gl = gl2(backend);
      const formats = intFormats(gl);
      const columnBlocks = Math.ceil(N / 4);
      const data = packDepthwise(readValues(backend, inputs.filter), taps, N);
      const texture = createTexture2D(gl, formats.rgba8i, columnBlocks, taps, data);
      const zero = readValues(backend, inputs.wZeroPoint);
      const perChannel = new Int32Array(columnBlocks * 4);
      for (let n = 0; n < N; n++) perChannel[n] = zero[zero.length === 1 ? 0 : n]!;
      const zeroPoints = createTexture2D(gl, formats.rgba32i, columnBlocks, 1, perChannel);
      const scaleBias = createTexture2D(gl, formats.rg32f, N, 1, null);
      return {
        layout: 'depthwise',
        texture,
        columnBlocks,
        kBlocks: 0,
        K: taps,
        N,
        transposeB: false,
        bytes: data.byteLength,
        zeroPoints,
        subtractZero: perChannel.some((z) => z !== 0),
        scaleBias,
        companions: [zeroPoints, scaleBias],
      };
    },
  );
}

/** Interleaved (multiplier, bias) per channel: multiplier = f32(xScale · wScale[n]), as core rounds it. */
function scaleBiasValues(
  backend: MathBackendWebGL,
  inputs: ClipqDepthwiseConv2DInt8Inputs,
  attrs: ClipqDepthwiseConv2DInt8Attrs,
  N: number,
): Float32Array {
  const scale = readValues(backend, inputs.wScale);
  const bias = (inputs as { bias?: TensorInfo }).bias;
  const biasValues = attrs.hasBias && bias ? readValues(backend, bias) : null;
  const values = new Float32Array(2 * N);
  for (let n = 0; n < N; n++) {
    values[2 * n] = Math.fround(attrs.xScale * scale[scale.length === 1 ? 0 : n]!);
    values[2 * n + 1] = biasValues ? biasValues[n]! : 0;
  }
  return values;
}

export function depthwiseInt8WebGL2(
  backend: MathBackendWebGL,
  inputs: ClipqDepthwiseConv2DInt8Inputs,
  attrs: ClipqDepthwiseConv2DInt8Attrs,
  g: ConvGeometry,
  multiplier: number,
): TensorInfo {
  const gl = gl2(backend);
  const N = g.inChannels * multiplier;
  const filter = packedFilter(backend, inputs, g.kernelHeight * g.kernelWidth, N);
  const scaleBias = scaleBiasValues(backend, inputs, attrs, N);
  if (!sameValues(filter.written, scaleBias)) {
    writeTexture2D(gl, filter.scaleBias, intFormats(gl).rg32f, N, 1, scaleBias);
    filter.written = scaleBias;
  }
  const x = sampledTensor(backend, inputs.x);
  const outShape = [g.batch, g.outHeight, g.outWidth, N];
  const out = allocateOutput(backend, outShape, attrs.requantize ? 'int32' : 'float32', true);
  try {
    const source = depthwiseInt8Source(g, multiplier, {
      x: xLayout(x, g.inChannels),
      outPlain: out.width === Math.ceil(N / 2),
      subtractWeightZero: filter.subtractZero,
    });
    const requantize = requantizeUniformsByName(attrs.requantize);
    runPass(backend, rawProgram(backend, source), {
      targets: [{ texture: out.texture }],
      width: out.width,
      height: out.height,
      textures: {
        x: { texture: x.texture },
        w: { texture: filter.texture },
        wZeroPoint: { texture: filter.zeroPoints },
        epilogue: { texture: filter.scaleBias },
      },
      ints: {
        xWidth: x.width,
        xOffset: x.flatOffset,
        outWidth: out.width,
        xZeroPoint: attrs.xZeroPoint,
        hasBias: attrs.hasBias && (inputs as { bias?: TensorInfo }).bias ? 1 : 0,
        activation: ACTIVATION_CODES[attrs.activation],
        ...requantize.ints,
      },
      floats: requantize.floats,
    });
  } finally {
    x.dispose();
  }
  return out.info;
}
