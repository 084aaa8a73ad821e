/**
 * ClipqDepthwiseConv2DInt8 for backend 'webgl': one direct program with int32 accumulation (a depthwise
 * convolution has too little reuse per weight for the blocked matmul to pay off). Works on WebGL1 and
 * WebGL2, and is bit-identical to core's `depthwiseConv2dInt8AccImpl` + `convInt8OutputImpl`. WebGL2
 * reads the filter from an RGBA8I texture of int8 codes (packed per filter, or the pinned texture when
 * `attrs.pinnedWeights` is set and the filter input is absent); the WebGL1 program reads int32 codes.
 */
import {
  ClipqDepthwiseConv2DInt8,
  type ClipqDepthwiseConv2DInt8Attrs,
  type ClipqDepthwiseConv2DInt8Inputs,
  convGeometry,
  weightShape,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { depthwiseInt8WebGL2, packedFilter } from '../depthwise_int8_webgl2.js';
import { rawPassesEnabled } from '../flags.js';
import { readValues } from '../gl/webgl_backend.js';
import { pinnedCodes, pinnedTexture } from '../pinned_weights.js';
import { DepthwiseInt8Program } from '../programs/depthwise-int8-program.js';
import { ACTIVATION_CODES } from '../programs/int8-epilogue-program.js';
import { requantizeUniformValues } from '../programs/requantize-glsl.js';

/** [2, N]: multiplier[n] = f32(xScale · wScale[n]) (rounded here, once, as core does), then the bias. */
function epilogueRows(
  backend: MathBackendWebGL,
  inputs: ClipqDepthwiseConv2DInt8Inputs,
  attrs: ClipqDepthwiseConv2DInt8Attrs,
  N: number,
): Float32Array {
  const scale = readValues(backend, inputs.wScale);
  const values = new Float32Array(2 * N);
  for (let n = 0; n < N; n++)
    values[n] = Math.fround(attrs.xScale * scale[scale.length === 1 ? 0 : n]!);
  const bias = (inputs as { bias?: TensorInfo }).bias;
  if (attrs.hasBias && bias) values.set(readValues(backend, bias) as Float32Array, N);
  return values;
}

export function clipqDepthwiseConv2DInt8(args: {
  inputs: ClipqDepthwiseConv2DInt8Inputs;
  backend: unknown;
  attrs: NamedAttrMap;
}): TensorInfo {
  const backend = args.backend as MathBackendWebGL;
  const { x, wZeroPoint } = args.inputs;
  const attrs = args.attrs as unknown as ClipqDepthwiseConv2DInt8Attrs;
  const pinned = attrs.pinnedWeights ?? null;
  const filterShape = weightShape(ClipqDepthwiseConv2DInt8, args.inputs.filter, pinned);
  const [kh, kw, cin, multiplier] = filterShape as [number, number, number, number];
  if (x.shape.length !== 4 || filterShape.length !== 4 || x.shape[3] !== cin) {
    throw new Error(
      `ClipqDepthwiseConv2DInt8: expected x [B,H,W,${cin}] and a 4-D filter, got [${x.shape}] and [${filterShape}]`,
    );
  }
  const g = convGeometry(x.shape, kh, kw, attrs.strides, attrs.dilations, attrs.pad);
  const N = cin * multiplier;
  const weights = pinned
    ? pinnedTexture(backend, ClipqDepthwiseConv2DInt8, pinned)
    : rawPassesEnabled()
      ? packedFilter(backend, args.inputs.filter, kh * kw, N)
      : null;
  if (weights && rawPassesEnabled())
    return depthwiseInt8WebGL2(backend, args.inputs, attrs, g, weights);
  // The program path reads int32 codes: pinned weights lend a temporary codes tensor.
  const filter = pinned
    ? pinnedCodes(backend, ClipqDepthwiseConv2DInt8, pinned)
    : args.inputs.filter;
  const perChannel = wZeroPoint.shape.length > 0 && wZeroPoint.shape[0]! > 1;
  const epilogue = backend.makeTensorInfo(
    [2, N],
    'float32',
    epilogueRows(backend, args.inputs, attrs, N),
  );
  try {
    return backend.runWebGLProgram(
      new DepthwiseInt8Program(g, multiplier, perChannel),
      [x, filter, wZeroPoint, epilogue],
      attrs.requantize ? 'int32' : 'float32',
      [
        [attrs.xZeroPoint],
        [attrs.hasBias && args.inputs.bias ? 1 : 0],
        [ACTIVATION_CODES[attrs.activation]],
        ...requantizeUniformValues(attrs.requantize),
      ],
    );
  } finally {
    backend.disposeIntermediateTensorInfo(epilogue);
    if (pinned) backend.disposeIntermediateTensorInfo(filter);
  }
}

export const clipqDepthwiseConv2DInt8Config: KernelConfig = {
  kernelName: ClipqDepthwiseConv2DInt8,
  backendName: 'webgl',
  kernelFunc: clipqDepthwiseConv2DInt8 as unknown as KernelFunc,
};
