/**
 * ClipqDepthwiseConv2DInt8 on WebGL2 in one raw pass (programs/depthwise-int8-raw-program.ts): the
 * filter codes in an RGBA8I texture (1 byte per weight: packed once per filter dataId, or the pinned
 * texture), with the zero-point and epilogue textures kept beside it, x read in place whether packed
 * or not, and a packed tfjs output (float32, or int32 codes when requantizing).
 */
import type {
  ClipqDepthwiseConv2DInt8Attrs,
  ClipqDepthwiseConv2DInt8Inputs,
  ClipqMatMulInt8Inputs,
  ConvGeometry,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { rawProgram, runPass } from './gl/raw_pass.js';
import { allocateOutput, readValues, sampledTensor } from './gl/webgl_backend.js';
import { epilogueValues } from './mat_mul_int8_epilogue.js';
import { cachedPacking, type PackedB, uploadWeights } from './packed_weights.js';
import { depthwiseInt8Source } from './programs/depthwise-int8-raw-program.js';
import { ACTIVATION_CODES } from './programs/int8-epilogue-program.js';
import { requantizeUniformsByName } from './programs/requantize-glsl.js';
import { xLayout } from './programs/x-reader-glsl.js';
import { epilogueTexturesFor, uploadEpilogue } from './weight_textures.js';

/** The filter's codes as texel (n/4, tap) = filter[tap, n..n+3] of [taps, N], packed on first use. */
export function packedFilter(
  backend: MathBackendWebGL,
  filter: TensorInfo,
  taps: number,
  N: number,
): PackedB {
  return cachedPacking(
    backend,
    filter.dataId,
    (cached) => cached.layout === 'depthwise' && cached.K === taps && cached.N === N,
    () => uploadWeights(backend, 'depthwise', readValues(backend, filter), taps, N),
  );
}

export function depthwiseInt8WebGL2(
  backend: MathBackendWebGL,
  inputs: ClipqDepthwiseConv2DInt8Inputs,
  attrs: ClipqDepthwiseConv2DInt8Attrs,
  g: ConvGeometry,
  filter: PackedB,
): TensorInfo {
  const N = filter.N;
  const bias = (inputs as { bias?: TensorInfo }).bias;
  const hasBias = attrs.hasBias && bias !== undefined;
  // multiplier[n] = f32(xScale · wScale[n]) and the bias, computed as the matmul's epilogue is.
  const epilogue = epilogueValues(
    backend,
    {
      bScale: inputs.wScale,
      bZeroPoint: inputs.wZeroPoint,
      ...(hasBias ? { bias } : {}),
    } as unknown as ClipqMatMulInt8Inputs,
    { aScale: attrs.xScale, hasBias } as Parameters<typeof epilogueValues>[2],
    N,
  );
  const subtractWeightZero = uploadEpilogue(filter, epilogue);
  const textures = epilogueTexturesFor(filter);
  const x = sampledTensor(backend, inputs.x);
  const outShape = [g.batch, g.outHeight, g.outWidth, N];
  const out = allocateOutput(backend, outShape, attrs.requantize ? 'int32' : 'float32', true);
  try {
    const source = depthwiseInt8Source(g, N / g.inChannels, {
      x: xLayout(x, g.inChannels),
      outPlain: out.width === Math.ceil(N / 2),
      subtractWeightZero,
      foldedStride: filter.texels.folded ? filter.texels.stride : 0,
    });
    const requantize = requantizeUniformsByName(attrs.requantize);
    runPass(backend, rawProgram(backend, source), {
      targets: [{ texture: out.texture }],
      width: out.width,
      height: out.height,
      textures: {
        x: { texture: x.texture },
        w: { texture: filter.texture },
        wZeroPoint: { texture: textures.zeroPoints },
        epilogue: { texture: textures.scaleBias },
      },
      ints: {
        xWidth: x.width,
        xOffset: x.flatOffset,
        outWidth: out.width,
        xZeroPoint: attrs.xZeroPoint,
        hasBias: hasBias ? 1 : 0,
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
