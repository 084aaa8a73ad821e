/** The functions exported by clipq.wasm (src/as). Pointers are byte offsets into the module's memory. */
export interface ClipqExports {
  prepareEpilogue(
    dst: number,
    N: number,
    padded: number,
    aScale: number,
    bScales: number,
    scaleCount: number,
    zeroPoints: number,
    zeroCount: number,
    bias: number,
  ): number;
  gemmCodes(
    a: number,
    M: number,
    K: number,
    zeroPoint: number,
    Kp: number,
    bPacked: number,
    N: number,
    out: number,
    chunk: number,
    chunkRows: number,
  ): number;
  gemmPatches(
    x: number,
    geometry: number,
    padLeft: number,
    zeroPoint: number,
    Kp: number,
    bPacked: number,
    N: number,
    out: number,
    chunk: number,
    chunkRows: number,
    rowBuffer: number,
  ): number;
  depthwise(
    x: number,
    weights: number,
    geometry: number,
    padLeft: number,
    xZeroPoint: number,
    out: number,
    zeroRow: number,
  ): void;
  prepareDirectWeights(
    filter: number,
    panelPairs: number,
    zeroPoints: number,
    zeroCount: number,
    kh: number,
    rowTaps: number,
    rowPairs: number,
    N: number,
    out: number,
  ): number;
  convDirect(
    x: number,
    geometry: number,
    padLeft: number,
    xZeroPoint: number,
    weights: number,
    rowPairs: number,
    N: number,
    out: number,
    padded: number,
    rowCodes: number,
    spare: number,
    pooled: number,
  ): void;
  convPaddedGemm(
    x: number,
    geometry: number,
    padLeft: number,
    xZeroPoint: number,
    Kp: number,
    bPacked: number,
    N: number,
    out: number,
    padded: number,
    rowCodes: number,
    pooled: number,
  ): void;
  maxPoolCodes(x: number, geometry: number, padLeft: number, out: number): void;
  foldWeights(
    filter: number,
    codeBytes: number,
    taps: number,
    channels: number,
    zeroPoints: number,
    zeroCount: number,
    out: number,
  ): number;
  setRequantize(
    on: number,
    nudgedMin: number,
    nudgedMax: number,
    scale: number,
    codeMin: number,
    zeroCode: number,
  ): void;
  fakeQuant(
    x: number,
    out: number,
    outer: number,
    channels: number,
    inner: number,
    nMins: number,
    nMaxs: number,
    scales: number,
    halfEven: number,
  ): void;
  fakeQuantGrad(
    dy: number,
    x: number,
    dx: number,
    outer: number,
    channels: number,
    inner: number,
    nMins: number,
    nMaxs: number,
    scales: number,
    halfEven: number,
    full: number,
    sums: number,
  ): void;
  quantize(
    x: number,
    out: number,
    outer: number,
    channels: number,
    inner: number,
    nMins: number,
    nMaxs: number,
    scales: number,
    halfEven: number,
    bases: number,
    zeros: number,
  ): void;
  dequantize(
    codes: number,
    out: number,
    outer: number,
    channels: number,
    inner: number,
    scales: number,
    nMins: number,
    codeMin: number,
  ): void;
  /** The smallest of `count` int32 values; `boundsMax()` then returns the largest. */
  codeBounds(ptr: number, count: number): number;
  boundsMax(): number;
  packB(b: number, K: number, N: number, transposed: number, Kp: number, out: number): void;
  /** int32 codes [K,N] from packB's panels (untransposed). */
  unpackB(panels: number, K: number, N: number, Kp: number, out: number): void;
  /** Packs A; returns its smallest code, and `boundsMax()` then returns the largest. */
  packA(
    a: number,
    M: number,
    K: number,
    zeroPoint: number,
    Kp: number,
    out: number,
    rowSums: number,
  ): number;
  setEpilogue(
    zeroPoints: number,
    multipliers: number,
    bias: number,
    activation: number,
    scratch: number,
  ): void;
  gemm(
    aPacked: number,
    rowSums: number,
    M: number,
    Kp: number,
    bPacked: number,
    N: number,
    out: number,
  ): void;
  gemvRows(
    aPacked: number,
    rowSums: number,
    M: number,
    Kp: number,
    bPacked: number,
    N: number,
    out: number,
  ): void;
  gemv(aPacked: number, rowSum: number, Kp: number, bPacked: number, N: number, out: number): void;
}

/** The smallest and largest of `count` int32 values at `ptr` (0 and 0 when empty). */
export function codeBoundsOf(
  wasm: ClipqExports,
  ptr: number,
  count: number,
): { min: number; max: number } {
  if (count === 0) return { min: 0, max: 0 };
  const min = wasm.codeBounds(ptr, count);
  return { min, max: wasm.boundsMax() };
}
