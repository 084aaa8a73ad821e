/**
 * Validation of a model.json `weightsManifest` before any shard is read: every path must stay inside
 * the model's folder, every spec must be decodable by the stock tfjs decoder, and the declared size is
 * bounded before allocation.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { BYTES_PER_VALUE, type ReadLimits, STOCK_QUANTIZATION_DTYPES } from './limits.js';

export interface ManifestGroup {
  /** Absolute shard paths, each checked to be inside the model folder. */
  files: string[];
  /** The manifest's own relative paths. */
  paths: string[];
  specs: io.WeightsManifestEntry[];
  /** Bytes the specs need. */
  declaredBytes: number;
}

/** Resolves a manifest path, refusing absolute paths, URLs and anything that leaves `dir`. */
export function resolveInside(dir: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new Error(`weightsManifest path ${JSON.stringify(path)} is not a non-empty string`);
  }
  if (isAbsolute(path) || /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('\\')) {
    throw new Error(
      `weightsManifest path '${path}' is absolute; paths must be relative to the model folder`,
    );
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path)) {
    throw new Error(
      `weightsManifest path '${path}' is a URL; only files beside model.json are read`,
    );
  }
  const full = resolve(dir, path);
  const rel = relative(dir, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(
      `weightsManifest path '${path}' resolves outside the model folder (path traversal)`,
    );
  }
  return full;
}

/** Bytes one weight spec occupies in its shard; throws on malformed specs. */
export function specBytes(spec: io.WeightsManifestEntry, limits: ReadLimits): number {
  const where = `weight '${String(spec?.name)}'`;
  if (typeof spec?.name !== 'string') throw new Error(`a weight spec has no name`);
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where} has an invalid shape ${JSON.stringify(spec.shape)}`);
  }
  const storage = spec.quantization?.dtype ?? spec.dtype;
  if (spec.quantization) {
    if (!STOCK_QUANTIZATION_DTYPES.includes(spec.quantization.dtype)) {
      throw new Error(
        `${where} uses quantization dtype '${spec.quantization.dtype}'; supported: ${STOCK_QUANTIZATION_DTYPES.join(', ')}`,
      );
    }
    const q = spec.quantization;
    if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) {
      throw new Error(`${where}: ${q.dtype} quantization needs finite 'min' and 'scale'`);
    }
  }
  const perValue = BYTES_PER_VALUE[storage];
  if (perValue == null || (spec.dtype as string) === 'string') {
    throw new Error(`${where} has unsupported dtype '${spec.dtype}'`);
  }
  let count = 1;
  for (const d of spec.shape) {
    count *= d;
    if (count * perValue > limits.maxWeightBytes) {
      throw new Error(
        `${where} of shape [${spec.shape}] needs more than the ${limits.maxWeightBytes}-byte limit`,
      );
    }
  }
  return count * perValue;
}

/** Checks the manifest's structure, paths and declared sizes. Reads no shard. */
export function checkManifest(dir: string, manifest: unknown, limits: ReadLimits): ManifestGroup[] {
  if (manifest == null) return [];
  if (!Array.isArray(manifest)) throw new Error(`weightsManifest must be an array`);
  const groups: ManifestGroup[] = [];
  let total = 0;
  for (const [index, group] of manifest.entries()) {
    if (group == null || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`weightsManifest[${index}] needs 'paths' and 'weights' arrays`);
    }
    const files = group.paths.map((p: unknown) => resolveInside(dir, p));
    let declaredBytes = 0;
    for (const spec of group.weights) declaredBytes += specBytes(spec, limits);
    total += declaredBytes;
    if (total > limits.maxWeightBytes) {
      throw new Error(
        `the manifest declares more than ${limits.maxWeightBytes} bytes of weights (limit; see --max-weight-bytes); nothing was read`,
      );
    }
    groups.push({ files, paths: group.paths, specs: group.weights, declaredBytes });
  }
  return groups;
}
