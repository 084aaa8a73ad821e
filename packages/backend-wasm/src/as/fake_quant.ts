// Fake-quant forward/backward, quantize and dequantize on SIMD128, bit-identical to core's Impl
// functions. Every step is one float32 IEEE operation in the Impl's order (sub, div, add 0.5, floor,
// mul, add), so the results match `Math.fround` of the same double operations (double rounding is
// harmless for a single +, −, ×, ÷ of float32 operands).
//
// Tensors are seen as [outer, channels, inner] (core's ChannelLayout). Per-channel parameters are
// float32 arrays of length `channels` (nudgedMin, nudgedMax, scale), computed by the host with core's
// quantParamsImpl. When inner == 1 (channels last) 4 channels share a vector; otherwise each
// (outer, channel) run uses splatted parameters.

const HALF = f32x4.splat(0.5);
const ZERO = f32x4.splat(0);

/** The grid index of 4 values (as float32): floor((clamp(x) − nMin)/scale + 0.5), or half-even. */
@inline
export function gridIndex(x: v128, nMin: v128, nMax: v128, scale: v128, halfEven: bool): v128 {
  // The Impl's Math.min(Math.max(x, lo), hi) with the one-instruction pmax/pmin (x < lo ? lo : x, then
  // hi < c ? hi : c). They differ from Math.max/min only on NaN (kept here: the callers mask NaN lanes)
  // and on the sign of a zero, which cannot change the index: ±0 − nMin and the later + 0.5 round alike
  // (V8 lowers f32x4.min/max to ~7 instructions each on x64).
  const clamped = f32x4.pmin(f32x4.pmax(x, nMin), nMax);
  const shifted = f32x4.div(f32x4.sub(clamped, nMin), scale);
  return halfEven ? f32x4.nearest(shifted) : f32x4.floor(f32x4.add(shifted, HALF));
}

/** fakeQuantValue on 4 values: 0 where scale is 0, NaN where x is NaN, else index·scale + nMin. */
@inline
export function fakeQuantVector(x: v128, nMin: v128, nMax: v128, scale: v128, halfEven: bool): v128 {
  const y = f32x4.add(f32x4.mul(gridIndex(x, nMin, nMax, scale, halfEven), scale), nMin);
  const withNaN = v128.bitselect(f32x4.splat(NaN), y, f32x4.ne(x, x));
  return v128.andnot(withNaN, f32x4.eq(scale, ZERO));
}

@inline
export function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

export function fakeQuant(
  x: usize, out: usize, outer: i32, channels: i32, inner: i32,
  nMins: usize, nMaxs: usize, scales: usize, halfEven: bool,
): void {
  let i = 0;
  for (let o = 0; o < outer; o++) {
    let c = 0;
    if (inner == 1) {
      for (; c + 4 <= channels; c += 4, i += 4) {
        const y = fakeQuantVector(v128.load(at(x, i)), v128.load(at(nMins, c)), v128.load(at(nMaxs, c)), v128.load(at(scales, c)), halfEven);
        v128.store(at(out, i), y);
      }
    }
    for (; c < channels; c++) {
      const nMin = v128.load32_splat(at(nMins, c));
      const nMax = v128.load32_splat(at(nMaxs, c));
      const scale = v128.load32_splat(at(scales, c));
      let j = 0;
      for (; j + 4 <= inner; j += 4, i += 4) {
        v128.store(at(out, i), fakeQuantVector(v128.load(at(x, i)), nMin, nMax, scale, halfEven));
      }
      for (; j < inner; j++, i++) {
        const y = fakeQuantVector(v128.load32_splat(at(x, i)), nMin, nMax, scale, halfEven);
        store<f32>(at(out, i), f32x4.extract_lane(y, 0));
      }
    }
  }
}

const MAGIC = f32x4.splat(8388608); // 2^23: f32(i + 2^23) has bits 0x4B000000 + i for 0 ≤ i < 2^23
const MAGIC_BITS = i32x4.splat(0x4b000000);

/**
 * A float32 integer index in [0, 2^23) to int32, plus `base`: the bits of index + 2^23, minus the bits of
 * 2^23. Two instructions instead of trunc_sat's ~8 on x64; the grid index is ≥ 0 and < 2^17 wherever it
 * is used (NaN or scale-0 lanes are replaced by the caller).
 */
@inline
export function indexToCode(index: v128, base: v128): v128 {
  return i32x4.add(i32x4.sub(f32x4.add(index, MAGIC), MAGIC_BITS), base);
}

/** Signed codes: grid index + base (= qmin − 2^(bits−1)); `zero` (the zero-point code) where scale is 0 or x NaN. */
@inline
function quantizeVector(x: v128, nMin: v128, nMax: v128, scale: v128, halfEven: bool, base: v128, zero: v128): v128 {
  const code = indexToCode(gridIndex(x, nMin, nMax, scale, halfEven), base);
  return v128.bitselect(zero, code, v128.or(f32x4.eq(scale, ZERO), f32x4.ne(x, x)));
}

export function quantize(
  x: usize, out: usize, outer: i32, channels: i32, inner: i32,
  nMins: usize, nMaxs: usize, scales: usize, halfEven: bool, bases: usize, zeros: usize,
): void {
  let i = 0;
  for (let o = 0; o < outer; o++) {
    let c = 0;
    if (inner == 1) {
      for (; c + 4 <= channels; c += 4, i += 4) {
        const code = quantizeVector(
          v128.load(at(x, i)), v128.load(at(nMins, c)), v128.load(at(nMaxs, c)), v128.load(at(scales, c)),
          halfEven, v128.load(at(bases, c)), v128.load(at(zeros, c)),
        );
        v128.store(at(out, i), code);
      }
    }
    for (; c < channels; c++) {
      const nMin = v128.load32_splat(at(nMins, c));
      const nMax = v128.load32_splat(at(nMaxs, c));
      const scale = v128.load32_splat(at(scales, c));
      const base = v128.load32_splat(at(bases, c));
      const zero = v128.load32_splat(at(zeros, c));
      let j = 0;
      for (; j + 4 <= inner; j += 4, i += 4) {
        v128.store(at(out, i), quantizeVector(v128.load(at(x, i)), nMin, nMax, scale, halfEven, base, zero));
      }
      for (; j < inner; j++, i++) {
        const code = quantizeVector(v128.load32_splat(at(x, i)), nMin, nMax, scale, halfEven, base, zero);
        store<i32>(at(out, i), i32x4.extract_lane(code, 0));
      }
    }
  }
}

/**
 * y = f32(f32((code − codeMin)·scale) + nudgedMin), 0 where scale is 0 (core's dequantizeImpl). The
 * host checks |code| < 2^23 first, so code − codeMin converts to float32 exactly.
 */
@inline
function dequantizeVector(code: v128, codeMin: v128, scale: v128, nMin: v128): v128 {
  const y = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(code, codeMin)), scale), nMin);
  return v128.andnot(y, f32x4.eq(scale, ZERO));
}

export function dequantize(
  codes: usize, out: usize, outer: i32, channels: i32, inner: i32, scales: usize, nMins: usize, codeMin: i32,
): void {
  const min = i32x4.splat(codeMin);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    let c = 0;
    if (inner == 1) {
      for (; c + 4 <= channels; c += 4, i += 4) {
        v128.store(at(out, i), dequantizeVector(v128.load(at(codes, i)), min, v128.load(at(scales, c)), v128.load(at(nMins, c))));
      }
    }
    for (; c < channels; c++) {
      const scale = v128.load32_splat(at(scales, c));
      const nMin = v128.load32_splat(at(nMins, c));
      let j = 0;
      for (; j + 4 <= inner; j += 4, i += 4) {
        v128.store(at(out, i), dequantizeVector(v128.load(at(codes, i)), min, scale, nMin));
      }
      for (; j < inner; j++, i++) {
        store<f32>(at(out, i), f32x4.extract_lane(dequantizeVector(v128.load32_splat(at(codes, i)), min, scale, nMin), 0));
      }
    }
  }
}
