/**
 * The direct int8 convolution for few input channels (src/as/conv_direct.ts): used when a filter row
 * holds at most 16 codes (kernelWidth·C, e.g. 3×3 over 1 or 3 channels), the filter is larger than 1×1,
 * N is a multiple of 16 and the width is undilated. The first layers of the demo CNN and of MobileNet spent most of their time in
 * im2col there. Returns null when the exactness bound fails (core's Impl runs instead).
 */
import type { ClipqConv2DInt8Attrs, ConvGeometry } from '@clipq/core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { HeapCall } from '../heap/call.js';
import type { Heap } from '../heap/heap.js';
import { codeBoundsOf } from '../module/exports.js';
import { convGeometryWords } from './conv_geometry_words.js';
import { convOutShape, paddedImageBytes, paddedRowCodes } from './conv_padded_call.js';
import {
  convEpilogueSpec,
  elementCount,
  epilogueBytes,
  outputDtype,
  setupEpilogue,
} from './epilogue.js';
import { knownBounds, recordBounds, requantizedBounds } from './known_bounds.js';

const INT32_LIMIT = 2 ** 31;

export function directConvApplies(g: ConvGeometry, N: number): boolean {
  // 1×1 convolutions stay on the GEMM: with C ≤ 16 both ran at the speed of memory (16×64×64×16 → 32).
  return (
    g.kernelHeight * g.kernelWidth > 1 &&
    g.kernelWidth * g.inChannels <= 16 &&
    N % 16 === 0 &&
    g.dilationWidth === 1
  );
}

interface DirectInputs {
  x: TensorInfo;
  /** The filter [kh, kw, C, N]: int32 codes (the filter tensor), or pinned int8 panels. */
  filterPtr: number;
  /** k-pairs per panel of pinned panels; 0 for int32 codes. */
  panelPairs: number;
  wScale: TensorInfo;
  wZeroPoint: TensorInfo;
  bias: TensorInfo | null;
}

export function runDirectConv(
  heap: Heap,
  call: HeapCall,
  xPtr: number,
  g: ConvGeometry,
  N: number,
  inputs: DirectInputs,
  attrs: ClipqConv2DInt8Attrs,
  pooled = false,
): TensorInfo | null {
  const wasm = heap.exports;
  const rowTaps = g.kernelWidth * g.inChannels;
  const rowPairs = Math.ceil(rowTaps / 2);
  const weightBytes = g.kernelHeight * rowPairs * N * 4;
  const zeroPointPtr = call.input(inputs.wZeroPoint);
  const scalePtr = call.input(inputs.wScale);
  const biasPtr = inputs.bias ? call.input(inputs.bias) : 0;
  // One padded image (src/as/conv_padded.ts) with a phantom pixel past the width (pixels go in
  // pairs), then a spare pixel for that phantom's output.
  const rowCodes = paddedRowCodes(g, 1);
  const paddedBytes = paddedImageBytes(g, rowCodes);
  const scratch = call.alloc(weightBytes + 64 + epilogueBytes(N) + paddedBytes + N * 4);
  const geometryPtr = scratch + weightBytes;
  const epilogue = geometryPtr + 64;
  const padded = epilogue + epilogueBytes(N);
  const spare = padded + paddedBytes;
  const wLargest = wasm.prepareDirectWeights(
    inputs.filterPtr,
    inputs.panelPairs,
    zeroPointPtr,
    elementCount(inputs.wZeroPoint),
    g.kernelHeight,
    rowTaps,
    rowPairs,
    N,
    scratch,
  );
  const xBounds = knownBounds(inputs.x) ?? codeBoundsOf(wasm, xPtr, elementCount(inputs.x));
  const xLargest = Math.max(
    Math.abs(xBounds.min - attrs.xZeroPoint),
    Math.abs(xBounds.max - attrs.xZeroPoint),
  );
  const taps = g.kernelHeight * rowTaps;
  if (xLargest > 32767 || wLargest > 32767 || taps * xLargest * wLargest >= INT32_LIMIT)
    return null;
  const out = call.output(convOutShape(g, N, pooled), outputDtype(attrs.requantize));
  call.write(geometryPtr, convGeometryWords(g));
  setupEpilogue(
    wasm,
    epilogue,
    convEpilogueSpec(N, attrs, inputs, { scalePtr, zeroPointPtr, biasPtr }),
  );
  wasm.convDirect(
    xPtr,
    geometryPtr,
    g.padLeft,
    attrs.xZeroPoint,
    scratch,
    rowPairs,
    N,
    out,
    padded,
    rowCodes,
    spare,
    pooled ? 1 : 0,
  );
  const result = call.result(out);
  if (attrs.requantize) recordBounds(result, requantizedBounds(attrs.requantize));
  return result;
}
