/**
 * `clipq inspect`: what a model holds (format, layers or ops, parameters, bytes) and how each weight
 * is stored (dtype, bits, scheme, range), with per-layer SQNR against a float source when given.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';
import { decodeWeights } from './model_io/decode_weights.js';
import {
  clipqMetadata,
  clipqWeightMetadata,
  dequantizedWeights,
} from './model_io/dequantize_clipq.js';
import { DEFAULT_LIMITS } from './model_io/limits.js';
import { type LoadedModel, readModel } from './model_io/read_model.js';
import { extent, sqnrDb } from './stats.js';
import type { WeightMetadata } from './weight_encoding.js';

export interface WeightInfo {
  name: string;
  shape: number[];
  dtype: string;
  /** What the bytes on disk are: float32, int8 (clipq), uint8/uint16/float16 (stock). */
  storage: string;
  bits: number;
  scheme: string;
  range: [number, number];
  bytes: number;
  sqnrDb?: number;
}

export interface InspectResult {
  file: string;
  format: string;
  clipq: {
    formatVersion: number;
    portable: boolean;
    weightsOnly: boolean;
    activations: number;
  } | null;
  /** Layer (layers model) or op (graph model) counts by type. */
  structure: Record<string, number>;
  parameters: number;
  bytes: { json: number; weights: number; total: number };
  weights: WeightInfo[];
  source: string | null;
}

interface LayersTopology {
  config?: { layers?: { class_name: string }[] };
  model_config?: { config?: { layers?: { class_name: string }[] } };
}

function structureOf(model: LoadedModel): Record<string, number> {
  const counts: Record<string, number> = {};
  const topology = model.json.modelTopology;
  const names: string[] =
    model.format === 'graph-model'
      ? (topology.node as { op: string }[]).map((n) => n.op)
      : (
          ((topology as LayersTopology).model_config ?? (topology as LayersTopology)).config
            ?.layers ?? []
        ).map((l) => l.class_name);
  for (const n of names) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}

function describe(
  spec: tf.io.WeightsManifestEntry,
  values: tf.Tensor,
  meta: WeightMetadata | undefined,
): Omit<WeightInfo, 'bytes'> {
  const [lo, hi] = extent(values.dataSync());
  const base = {
    name: spec.name,
    shape: spec.shape,
    dtype: spec.dtype,
    range: [lo, hi] as [number, number],
  };
  if (meta != null) {
    const symmetric = meta.zeroPoint.every((z: number) => z === 0) ? 'symmetric' : 'asymmetric';
    const layout =
      meta.encoding === 'per-channel'
        ? `per channel (${meta.scale.length}, axis ${meta.axis})`
        : 'per tensor';
    return {
      ...base,
      storage: `int${meta.bits}`,
      bits: meta.bits,
      scheme: `${symmetric} ${layout}`,
    };
  }
  const q = spec.quantization;
  if (q?.dtype === 'uint8' || q?.dtype === 'uint16') {
    return {
      ...base,
      storage: q.dtype,
      bits: q.dtype === 'uint8' ? 8 : 16,
      scheme: 'affine per tensor (stock tfjs)',
    };
  }
  if (q?.dtype === 'float16')
    return { ...base, storage: 'float16', bits: 16, scheme: 'float16 (stock tfjs)' };
  return { ...base, storage: spec.dtype, bits: spec.dtype === 'bool' ? 1 : 32, scheme: 'none' };
}

export async function inspect(file: string, source: string | null = null): Promise<InspectResult> {
  const model = await readModel(file, DEFAULT_LIMITS);
  const specs = model.artifacts.weightSpecs ?? [];
  const metadata = clipqWeightMetadata(model.json);
  const values = dequantizedWeights(model.json, specs, model.artifacts.weightData as ArrayBuffer);
  let reference: tf.NamedTensorMap = {};
  try {
    if (source != null) {
      const float = await readModel(source, DEFAULT_LIMITS);
      reference = decodeWeights(float);
    }
    const weights: WeightInfo[] = [];
    let parameters = 0;
    for (const spec of specs) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      parameters += count;
      const info: WeightInfo = {
        ...describe(spec, values[spec.name]!, metadata[spec.name]),
        bytes: 0,
      };
      const per =
        { uint8: 1, uint16: 2, float16: 2 }[spec.quantization?.dtype as string] ??
        (spec.dtype === 'bool' ? 1 : 4);
      info.bytes = count * per;
      const ref = reference[spec.name];
      if (ref != null) {
        if (ref.size !== count)
          throw new ModelError(
            model.file,
            `weight '${spec.name}' has ${count} values, the source has ${ref.size}`,
          );
        info.sqnrDb = sqnrDb(ref.dataSync(), values[spec.name]!.dataSync());
      }
      weights.push(info);
    }
    const clipq = clipqMetadata(model.json);
    return {
      file: model.file,
      format: model.format,
      clipq: clipq
        ? {
            formatVersion: clipq.formatVersion,
            portable: Boolean(clipq.portable),
            weightsOnly: Boolean(clipq.weightsOnly),
            activations: Object.keys(clipq.activations ?? {}).length,
          }
        : null,
      structure: structureOf(model),
      parameters,
      bytes: {
        json: model.jsonBytes,
        weights: model.weightBytes,
        total: model.jsonBytes + model.weightBytes,
      },
      weights,
      source,
    };
  } finally {
    tf.dispose(Object.values(values));
    tf.dispose(Object.values(reference));
  }
}
