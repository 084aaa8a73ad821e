/**
 * ClipqFakeQuantGrad's dmin/dmax on WebGL2 with raw passes (see programs/range-sums-program.ts):
 * terms and first-level sums in one pass, then tree levels, then the combine pass writing both
 * tfjs-owned outputs. Scratch textures live for one call.
 */
import {
  type ClipqFakeQuantGradAttrs,
  type ClipqFakeQuantGradInputs,
  channelLayout,
} from '@clipq/core';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { maxTextureSize } from './gl/limits.js';
import { createTexture2D, deleteTexture, intFormats } from './gl/own_textures.js';
import { rawProgram, runPass } from './gl/raw_pass.js';
import { allocateOutput, denseTexture, gl2 } from './gl/webgl_backend.js';
import {
  RANGE_GRAD_SOURCE,
  RANGE_SUM_LEVEL_SOURCE,
  RANGE_TERMS_SOURCE,
} from './programs/range-sums-program.js';
import type { RangeParams } from './range_params.js';

const WINDOW = 128;

/** A roughly square texture for `entries` texels. */
function squareLayout(entries: number): { width: number; height: number } {
  const width = Math.max(1, Math.ceil(Math.sqrt(entries)));
  return { width, height: Math.ceil(entries / width) };
}

/** True when the params texture and partial sums fit (they always do below 2^24 channels). */
export function fitsRangeGradPasses(backend: MathBackendWebGL, channels: number): boolean {
  const gl = gl2(backend);
  const limit = maxTextureSize(gl);
  return channels <= limit * limit;
}

export function rangeGradWebGL2(
  backend: MathBackendWebGL,
  inputs: ClipqFakeQuantGradInputs,
  attrs: ClipqFakeQuantGradAttrs,
  params: RangeParams,
  widths: Float32Array,
): [TensorInfo, TensorInfo] {
  const gl = gl2(backend);
  const formats = intFormats(gl);
  const limit = maxTextureSize(gl);
  const { outer, channels, inner } = channelLayout(inputs.x.shape, attrs.perChannel, attrs.axis);
  const count = outer * inner;
  const scratch: WebGLTexture[] = [];
  const track = (texture: WebGLTexture) => {
    scratch.push(texture);
    return texture;
  };
  try {
    const paramsWidth = Math.min(channels, limit);
    const paramsData = new Float32Array(Math.ceil(channels / paramsWidth) * paramsWidth * 4);
    for (let c = 0; c < channels; c++) {
      paramsData.set(params.values.subarray(c * 4, c * 4 + 3), c * 4);
      paramsData[c * 4 + 3] = widths[c]!;
    }
    const paramsTexture = track(
      createTexture2D(
        gl,
        formats.rgba32f,
        paramsWidth,
        paramsData.length / 4 / paramsWidth,
        paramsData,
      ),
    );
    const full = attrs.rangeGradient === 'full' ? 1 : 0;

    const firstWindow = Math.max(WINDOW, Math.ceil(count / limit));
    let columns = Math.max(1, Math.ceil(count / firstWindow));
    let level = squareLayout(channels * columns);
    let partials = track(createTexture2D(gl, formats.rgba32f, level.width, level.height, null));
    const x = denseTexture(backend, inputs.x);
    const dy = denseTexture(backend, inputs.dy);
    try {
      runPass(backend, rawProgram(backend, RANGE_TERMS_SOURCE), {
        targets: [{ texture: partials }],
        ...level,
        textures: {
          x: { texture: x.texture },
          dy: { texture: dy.texture },
          params: { texture: paramsTexture },
        },
        ints: {
          xWidth: x.width,
          xOffset: x.flatOffset,
          dyWidth: dy.width,
          dyOffset: dy.flatOffset,
          channels,
          inner,
          count,
          window: firstWindow,
          halfEven: attrs.rounding === 'half-even' ? 1 : 0,
          full,
          paramsWidth,
          columns,
          outWidth: level.width,
        },
      });
    } finally {
      x.dispose();
      dy.dispose();
    }
    while (columns > 1) {
      const nextColumns = Math.ceil(columns / WINDOW);
      const next = squareLayout(channels * nextColumns);
      const texture = track(createTexture2D(gl, formats.rgba32f, next.width, next.height, null));
      runPass(backend, rawProgram(backend, RANGE_SUM_LEVEL_SOURCE), {
        targets: [{ texture }],
        ...next,
        textures: { partials: { texture: partials } },
        ints: {
          partialsWidth: level.width,
          channels,
          columns,
          nextColumns,
          outWidth: next.width,
          window: WINDOW,
        },
      });
      partials = texture;
      level = next;
      columns = nextColumns;
    }

    const dmin = allocateOutput(backend, [...inputs.min.shape], 'float32');
    const dmax = allocateOutput(backend, [...inputs.min.shape], 'float32');
    runPass(backend, rawProgram(backend, RANGE_GRAD_SOURCE), {
      targets: [{ texture: dmin.texture }, { texture: dmax.texture }],
      width: dmin.width,
      height: dmin.height,
      textures: { partials: { texture: partials }, params: { texture: paramsTexture } },
      ints: { partialsWidth: level.width, channels, outWidth: dmin.width, full, paramsWidth },
      floats: { gradScale: attrs.gradScale },
    });
    return [dmin.info, dmax.info];
  } finally {
    for (const texture of scratch) deleteTexture(gl, texture);
  }
}
