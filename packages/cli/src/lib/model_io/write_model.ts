/**
 * Atomic model output: every file is written under a temporary name beside its target and renamed
 * into place, shards first and model.json last (model.json is the commit point). A failure removes the
 * temporary files, and SIGINT/SIGTERM remove them before the process exits, so an interrupted
 * conversion never leaves a partial model.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A serialized model: model.json's content (without weightsManifest) and its weight bytes. */
export interface SerializedModel {
  json: Record<string, unknown>;
  weightSpecs: unknown[];
  weightData: ArrayBuffer;
}

const pending = new Set<string>();
let handlersInstalled = false;

function removePendingSync(): void {
  for (const file of pending) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
  pending.clear();
}

/** Removes in-flight temporary files when the process is interrupted. */
export function installCleanupHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      removePendingSync();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  process.once('exit', removePendingSync);
}

export function shardName(modelFile: string): string {
  return `${basename(modelFile).replace(/\.json$/i, '')}.weights.bin`;
}

/** The bytes and files a serialized model occupies once written. */
export function serializedFiles(outFile: string, model: SerializedModel): string {
  const shard = shardName(outFile);
  const json = {
    ...model.json,
    weightsManifest: [{ paths: [shard], weights: model.weightSpecs }],
  };
  return `${JSON.stringify(json)}\n`;
}

export interface WriteResult {
  files: string[];
  bytes: number;
}

/** Writes model.json and its single shard atomically. Refuses to replace an existing model unless `force`. */
export async function writeModelAtomically(
  outFile: string,
  model: SerializedModel,
  options: { force: boolean },
): Promise<WriteResult> {
  if (!options.force && existsSync(outFile)) {
    throw new Error(`output '${outFile}' exists (use --force to overwrite)`);
  }
  const dir = dirname(outFile);
  await mkdir(dir, { recursive: true });
  const shard = join(dir, shardName(outFile));
  const tag = `.clipq-tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const shardTmp = `${shard}${tag}`;
  const jsonTmp = `${outFile}${tag}`;
  const text = serializedFiles(outFile, model);
  pending.add(shardTmp);
  pending.add(jsonTmp);
  try {
    await writeFile(shardTmp, new Uint8Array(model.weightData), { flush: true });
    await writeFile(jsonTmp, text, { flush: true });
    await rename(shardTmp, shard);
    pending.delete(shardTmp);
    await rename(jsonTmp, outFile);
    pending.delete(jsonTmp);
  } catch (error) {
    for (const file of [shardTmp, jsonTmp]) {
      await unlink(file).catch(() => undefined);
      pending.delete(file);
    }
    throw error;
  }
  return {
    files: [outFile, shard],
    bytes: model.weightData.byteLength + Buffer.byteLength(text),
  };
}
