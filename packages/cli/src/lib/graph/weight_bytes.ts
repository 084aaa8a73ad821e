/** Slicing the original bytes of each weight out of a model's concatenated weight data. */
import type { io } from '@tensorflow/tfjs-core';
import { BYTES_PER_VALUE } from '../model_io/limits.js';

export function specByteLength(spec: io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  return count * BYTES_PER_VALUE[spec.quantization?.dtype ?? spec.dtype]!;
}

/** Each weight's own bytes, keyed by name (the manifest validated lengths already). */
export function splitWeightBytes(
  specs: io.WeightsManifestEntry[],
  data: ArrayBuffer,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let offset = 0;
  for (const spec of specs) {
    const length = specByteLength(spec);
    out.set(spec.name, new Uint8Array(data, offset, length));
    offset += length;
  }
  return out;
}

export function concatBytes(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out.buffer;
}
