/**
 * Naive exact int8 convolutions: the definition every backend must reproduce bit for bit.
 * acc[b,y,x,n] = Σ (x − xZeroPoint)(w − wZeroPoint[n]) over the window, where padded positions hold
 * the input zero point (real value 0) and so contribute nothing. The float epilogue is
 * `requantizeOutputImpl`'s: act(f32(f32(f32(acc)·f32(xScale·wScale[n])) + bias[n])).
 */
import type { FusedActivation } from '../kernel_names.js';
import type { ConvGeometry } from './conv_geometry.js';
import { requantizeOutputImpl } from './mat_mul_int8_impl.js';

export interface ConvInt8Problem {
  x: Int32Array;
  filter: Int32Array;
  geometry: ConvGeometry;
  xZeroPoint: number;
  /** Per output channel, or length 1. */
  wZeroPoint: ArrayLike<number>;
}

export interface ConvInt8Epilogue {
  xScale: number;
  wScale: ArrayLike<number>;
  bias: ArrayLike<number> | null;
  activation: FusedActivation;
}

/** Calls `visit(outIndex, inputIndex)` for every in-bounds tap of output position (b, oy, ox). */
function forEachTap(
  g: ConvGeometry,
  b: number,
  oy: number,
  ox: number,
  visit: (ky: number, kx: number, inputBase: number) => void,
): void {
  for (let ky = 0; ky < g.kernelHeight; ky++) {
    const iy = oy * g.strideHeight + ky * g.dilationHeight - g.padTop;
    if (iy < 0 || iy >= g.inHeight) continue;
    for (let kx = 0; kx < g.kernelWidth; kx++) {
      const ix = ox * g.strideWidth + kx * g.dilationWidth - g.padLeft;
      if (ix < 0 || ix >= g.inWidth) continue;
      visit(ky, kx, ((b * g.inHeight + iy) * g.inWidth + ix) * g.inChannels);
    }
  }
}

/** Exact accumulators [B,Ho,Wo,Cout] of a conv with filter [kh,kw,Cin,Cout]. */
export function conv2dInt8AccImpl(p: ConvInt8Problem, outChannels: number): Float64Array {
  const g = p.geometry;
  const acc = new Float64Array(g.batch * g.outHeight * g.outWidth * outChannels);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += outChannels) {
        forEachTap(g, b, oy, ox, (ky, kx, base) => {
          for (let c = 0; c < g.inChannels; c++) {
            const xv = p.x[base + c]! - p.xZeroPoint;
            const wBase = ((ky * g.kernelWidth + kx) * g.inChannels + c) * outChannels;
            for (let n = 0; n < outChannels; n++) {
              const zw = p.wZeroPoint.length === 1 ? p.wZeroPoint[0]! : p.wZeroPoint[n]!;
              acc[o + n]! += xv * (p.filter[wBase + n]! - zw);
            }
          }
        });
      }
    }
  }
  return acc;
}

/** Exact accumulators [B,Ho,Wo,Cin·multiplier] of a depthwise conv with filter [kh,kw,Cin,multiplier]. */
export function depthwiseConv2dInt8AccImpl(p: ConvInt8Problem, multiplier: number): Float64Array {
  const g = p.geometry;
  const outChannels = g.inChannels * multiplier;
  const acc = new Float64Array(g.batch * g.outHeight * g.outWidth * outChannels);
  let o = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++, o += outChannels) {
        forEachTap(g, b, oy, ox, (ky, kx, base) => {
          for (let c = 0; c < g.inChannels; c++) {
            const xv = p.x[base + c]! - p.xZeroPoint;
            for (let m = 0; m < multiplier; m++) {
              const n = c * multiplier + m;
              const zw = p.wZeroPoint.length === 1 ? p.wZeroPoint[0]! : p.wZeroPoint[n]!;
              acc[o + n]! +=
                xv *
                (p.filter[((ky * g.kernelWidth + kx) * g.inChannels + c) * multiplier + m]! - zw);
            }
          }
        });
      }
    }
  }
  return acc;
}

/** The float output of an int8 conv (either kind), from its exact accumulators. */
export function convInt8OutputImpl(
  acc: Float64Array,
  outChannels: number,
  e: ConvInt8Epilogue,
): Float32Array {
  return requantizeOutputImpl(
    acc,
    acc.length / outChannels,
    outChannels,
    e.xScale,
    e.wScale,
    e.bias,
    e.activation,
  );
}
