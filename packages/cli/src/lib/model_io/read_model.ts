/**
 * Reads a TF.js model folder safely: bounded model.json, validated manifest, shard lengths checked
 * against the manifest before decoding, and the stock decoder (uint8/uint16/float16 quantization).
 */
import { open, realpath, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { errorMessage, ModelError } from '../errors.js';
import { DEFAULT_LIMITS, type ReadLimits } from './limits.js';
import { checkManifest, type ManifestGroup } from './manifest.js';

export type ModelFormat = 'layers-model' | 'graph-model';

export interface LoadedModel {
  /** Absolute path of model.json. */
  file: string;
  dir: string;
  format: ModelFormat;
  /** The parsed model.json. */
  json: ModelJson;
  /** In-memory artifacts for `tf.io.fromMemory` (weights concatenated in manifest order). */
  artifacts: io.ModelArtifacts;
  jsonBytes: number;
  weightBytes: number;
}

export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: Record<string, unknown>;
  weightsManifest?: io.WeightsManifestConfig;
  userDefinedMetadata?: Record<string, unknown>;
  signature?: unknown;
  modelInitializer?: unknown;
  [key: string]: unknown;
}

export function detectFormat(json: ModelJson): ModelFormat {
  if (json.format === 'graph-model' || json.format === 'layers-model') return json.format;
  const topology = json.modelTopology as Record<string, unknown>;
  if (Array.isArray(topology.node)) return 'graph-model';
  if (topology.class_name != null || topology.model_config != null) return 'layers-model';
  throw new Error(`cannot tell the model format: no 'format' field and an unknown modelTopology`);
}

async function readBounded(file: string, limit: number, what: string): Promise<Buffer> {
  const info = await stat(file).catch(() => null);
  if (info == null || !info.isFile()) throw new Error(`${what} does not exist or is not a file`);
  if (info.size > limit)
    throw new Error(`${what} is ${info.size} bytes, above the ${limit}-byte limit`);
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
    if (bytesRead !== info.size) throw new Error(`${what} changed while it was read`);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** Stats every shard, compares the byte totals with the manifest, then reads into one buffer. */
async function readShards(dir: string, groups: ManifestGroup[]): Promise<ArrayBuffer> {
  const realDir = await realpath(dir);
  let total = 0;
  for (const [index, group] of groups.entries()) {
    let onDisk = 0;
    for (const [i, file] of group.files.entries()) {
      const info = await stat(file).catch(() => null);
      if (info == null || !info.isFile())
        throw new Error(`weight shard '${group.paths[i]}' is missing`);
      const real = await realpath(file);
      if (relative(realDir, real).startsWith('..')) {
        throw new Error(`weight shard '${group.paths[i]}' links outside the model folder`);
      }
      onDisk += info.size;
    }
    if (onDisk < group.declaredBytes) {
      throw new Error(
        `weight group ${index} is truncated: its shards hold ${onDisk} bytes but the manifest's weights need ${group.declaredBytes}`,
      );
    }
    if (onDisk > group.declaredBytes) {
      throw new Error(
        `weight group ${index} does not match its manifest: shards hold ${onDisk} bytes but the declared shapes need ${group.declaredBytes} (shape/bytes mismatch)`,
      );
    }
    total += onDisk;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const group of groups) {
    for (const file of group.files) {
      const bytes = await readBounded(file, total - offset, 'weight shard');
      out.set(bytes, offset);
      offset += bytes.length;
    }
  }
  return out.buffer;
}

/** Reads and validates one model. Every failure is a `ModelError` naming the file and the reason. */
export async function readModel(
  modelFile: string,
  limits: ReadLimits = DEFAULT_LIMITS,
): Promise<LoadedModel> {
  const file = resolve(modelFile);
  const dir = dirname(file);
  try {
    const raw = await readBounded(file, limits.maxJsonBytes, 'model.json');
    let json: ModelJson;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new Error(`invalid JSON: ${errorMessage(error)}`);
    }
    if (
      json == null ||
      typeof json !== 'object' ||
      typeof json.modelTopology !== 'object' ||
      json.modelTopology == null
    ) {
      throw new Error(`not a TF.js model: 'modelTopology' is missing`);
    }
    const format = detectFormat(json);
    const groups = checkManifest(dir, json.weightsManifest, limits);
    const weightData = await readShards(dir, groups);
    const weightSpecs = groups.flatMap((g) => g.specs);
    const artifacts: io.ModelArtifacts = {
      modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
      format,
      weightSpecs,
      weightData,
    };
    if (json.generatedBy != null) artifacts.generatedBy = json.generatedBy;
    if (json.convertedBy != null) artifacts.convertedBy = json.convertedBy;
    if (json.userDefinedMetadata != null)
      artifacts.userDefinedMetadata = json.userDefinedMetadata as Record<string, object>;
    if (json.signature != null) artifacts.signature = json.signature as object;
    if (json.modelInitializer != null) artifacts.modelInitializer = json.modelInitializer as object;
    return {
      file,
      dir,
      format,
      json,
      artifacts,
      jsonBytes: raw.length,
      weightBytes: weightData.byteLength,
    };
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError(file, errorMessage(error));
  }
}
