/**
 * The clipq model format (BRIEF 3.4), as tfjs ModelArtifacts: the deploy graph's topology, weight specs
 * and bytes, and `userDefinedMetadata.clipq = {formatVersion: 1, …}`.
 *
 * Int8 kernels are stored one byte per code with the stock `quantization: {dtype: 'uint8', min, scale}`
 * encoding. A per-tensor kernel uses its exact affine parameters (u = code + 128, so
 * min = −(128 + zeroPoint)·scale): stock decoders read real values. A per-channel kernel stores its codes
 * (min = −128, scale = 1) and its per-channel scales and zero points in the clipq metadata. Codes of 9 to
 * 16 bits use uint16 the same way. Everything else is float32.
 */
import { io, type Tensor, tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { codeOffset } from '../impl/quantize_impl.js';
import { QuantizedTensor } from '../int8/quantized_tensor.js';
import type { ActivationRange, QuantizedLayerWeights, QuantizedModel } from './quantized_model.js';

export const FORMAT_VERSION = 1;

export interface ClipqWeightMetadata {
  /** The weight's name in the weights manifest. */
  name: string;
  layer: string;
  bits: number;
  narrowRange: boolean;
  /** 'per-tensor' bytes decode to real values with the stock decoder; 'per-channel' bytes are codes. */
  encoding: 'per-tensor' | 'per-channel';
  /** Channel axis of `codesShape` (its last axis), or null per tensor. */
  axis: number | null;
  /** Shape of the codes (depthwise kernels: [kh, kw, in·multiplier]); the manifest has the model's shape. */
  codesShape: number[];
  scale: number[];
  zeroPoint: number[];
}

export interface ClipqMetadata {
  formatVersion: number;
  portable: boolean;
  producer: string;
  weights: ClipqWeightMetadata[];
  activations: ActivationRange[];
}

type WeightSpec = io.WeightsManifestEntry;

function storageType(bits: number): 'uint8' | 'uint16' {
  return bits <= 8 ? 'uint8' : 'uint16';
}

/** Encodes one int8 kernel: its manifest entry, its bytes and its metadata. */
function encodeKernel(name: string, layer: string, weights: QuantizedLayerWeights) {
  const q = weights.kernel;
  // A packed kernel is unpacked into a temporary tensor; saving leaves the model packed.
  const codes = q.withCodes((live) => live.codes.dataSync() as Int32Array);
  const offset = codeOffset(q.bits);
  const dtype = storageType(q.bits);
  const stored = dtype === 'uint8' ? new Uint8Array(codes.length) : new Uint16Array(codes.length);
  for (let i = 0; i < codes.length; i++) stored[i] = codes[i]! + offset;
  const perChannel = q.axis !== null;
  const scale = perChannel ? 1 : q.scale[0]!;
  const min = perChannel ? -offset : -(offset + q.zeroPoint[0]!) * q.scale[0]!;
  const spec: WeightSpec = {
    name,
    shape: weights.kernelShape,
    dtype: 'float32',
    quantization: { dtype, min, scale },
  };
  const metadata: ClipqWeightMetadata = {
    name,
    layer,
    bits: q.bits,
    narrowRange: q.narrowRange,
    encoding: perChannel ? 'per-channel' : 'per-tensor',
    axis: q.axis,
    codesShape: q.shape,
    scale: Array.from(q.scale),
    zeroPoint: Array.from(q.zeroPoint),
  };
  return { spec, bytes: new Uint8Array(stored.buffer), metadata };
}

/** QuantizedModel → ModelArtifacts in the clipq format (not portable: needs clipq to load). */
export function toArtifacts(model: QuantizedModel): io.ModelArtifacts {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const weights: ClipqWeightMetadata[] = [];
  for (const layer of model.model.layers) {
    const quantized = model.layers.get(layer.name);
    layer.weights.forEach((variable, i) => {
      if (quantized && i === 0) {
        const encoded = encodeKernel(variable.originalName, layer.name, quantized);
        specs.push(encoded.spec);
        chunks.push(encoded.bytes);
        weights.push(encoded.metadata);
        return;
      }
      const values = variable.read().dataSync() as Float32Array;
      specs.push({
        name: variable.originalName,
        shape: variable.shape as number[],
        dtype: 'float32',
      });
      chunks.push(
        new Uint8Array(
          values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
        ),
      );
    });
  }
  const metadata: ClipqMetadata = {
    formatVersion: FORMAT_VERSION,
    portable: false,
    producer: '@clipq/core',
    weights,
    activations: model.activationRanges,
  };
  return {
    modelTopology: model.model.toJSON(null, false) as object,
    format: 'layers-model',
    generatedBy: 'clipq',
    convertedBy: 'clipq convertToInt8',
    weightSpecs: specs,
    weightData: concat(chunks),
    userDefinedMetadata: { clipq: metadata as unknown as object },
  };
}

export function concat(chunks: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out.buffer;
}

/** Reads the clipq metadata of loaded artifacts, checking the format version. */
export function readMetadata(artifacts: io.ModelArtifacts, where: string): ClipqMetadata {
  const metadata = (artifacts.userDefinedMetadata as { clipq?: ClipqMetadata } | undefined)?.clipq;
  if (!metadata)
    throw new Error(
      `loadQuantized: ${where} has no userDefinedMetadata.clipq; it is not a clipq model`,
    );
  if (metadata.formatVersion !== FORMAT_VERSION) {
    throw new Error(
      `loadQuantized: ${where} has clipq formatVersion ${metadata.formatVersion}; this clipq reads version ${FORMAT_VERSION}`,
    );
  }
  return metadata;
}

/** Splits artifacts' weight bytes into int8 kernels (by layer) and float tensors (by weight name). */
export function decodeWeights(artifacts: io.ModelArtifacts, metadata: ClipqMetadata) {
  const int8 = new Map(metadata.weights.map((w) => [w.name, w]));
  const data = io.concatenateArrayBuffers(
    artifacts.weightData == null
      ? []
      : Array.isArray(artifacts.weightData)
        ? artifacts.weightData
        : [artifacts.weightData],
  );
  const kernels = new Map<string, { codes: QuantizedTensor; shape: number[] }>();
  const floats = new Map<string, Tensor>();
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = size * byteWidth(spec);
    const chunk = data.slice(offset, offset + bytes);
    offset += bytes;
    const meta = int8.get(spec.name);
    if (meta) {
      const stored =
        storageType(meta.bits) === 'uint8' ? new Uint8Array(chunk) : new Uint16Array(chunk);
      const shift = codeOffset(meta.bits);
      const codes = tensor(
        Int32Array.from(stored, (u) => u - shift),
        meta.codesShape,
        'int32',
      );
      const spec8 = {
        scale: Float32Array.from(meta.scale),
        zeroPoint: Int32Array.from(meta.zeroPoint),
        axis: meta.axis,
        bits: meta.bits,
        narrowRange: meta.narrowRange,
      };
      kernels.set(meta.layer, {
        codes: QuantizedTensor.fromCodes(codes, spec8),
        shape: spec.shape,
      });
    } else {
      floats.set(spec.name, io.decodeWeights(chunk, [spec])[spec.name]!);
    }
  }
  return { kernels, floats };
}

export function byteWidth(spec: WeightSpec): number {
  const q = spec.quantization?.dtype;
  if (q === 'uint8') return 1;
  if (q === 'uint16' || q === 'float16') return 2;
  if (spec.dtype === 'bool') return 1;
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  throw new Error(`clipq model format: weight '${spec.name}' has unsupported dtype ${spec.dtype}`);
}

/** Weight names of a layer as the manifest spells them. */
export function layerWeightNames(layer: tfl.layers.Layer): string[] {
  return layer.weights.map((w) => w.originalName);
}
