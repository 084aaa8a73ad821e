/**
 * A tfjs IOHandler over a local folder, for Node without tfjs-node: `model.json` plus weight shards.
 * Saving writes each file to a temporary name and renames it, so a crash never leaves a half-written
 * model.json. Loading refuses shard paths that leave the folder, and checks that the shards hold the bytes
 * the manifest promises, naming the missing or short shard.
 */
import type { io } from '@tensorflow/tfjs-core';
import { byteWidth, concat } from './format.js';

const MODEL_JSON = 'model.json';
const SHARD = 'group1-shard1of1.bin';

export function fileSystemHandler(directory: string): io.IOHandler {
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      await fs.mkdir(directory, { recursive: true });
      const data =
        artifacts.weightData == null
          ? new ArrayBuffer(0)
          : concat(
              (Array.isArray(artifacts.weightData)
                ? artifacts.weightData
                : [artifacts.weightData]
              ).map((b) => new Uint8Array(b)),
            );
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [SHARD], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata
          ? { userDefinedMetadata: artifacts.userDefinedMetadata }
          : {}),
      };
      const text = JSON.stringify(modelJson);
      const writeAtomically = async (name: string, content: Uint8Array | string) => {
        const target = path.join(directory, name);
        const temporary = `${target}.tmp-${process.pid}-${Date.now()}`;
        await fs.writeFile(temporary, content);
        await fs.rename(temporary, target);
      };
      await writeAtomically(SHARD, new Uint8Array(data));
      await writeAtomically(MODEL_JSON, text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: text.length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: data.byteLength,
        },
      };
    },

    async load(): Promise<io.ModelArtifacts> {
      const fs = await import('node:fs/promises');
      const path = await import('node:path');
      const root = path.resolve(directory);
      const jsonPath = path.join(root, MODEL_JSON);
      let modelJson: io.ModelJSON;
      try {
        modelJson = JSON.parse(await fs.readFile(jsonPath, 'utf8')) as io.ModelJSON;
      } catch (error) {
        throw new Error(`loadQuantized: cannot read ${jsonPath}: ${(error as Error).message}`);
      }
      const specs: io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of modelJson.weightsManifest ?? []) {
        const parts: Uint8Array[] = [];
        for (const shard of group.paths) {
          const shardPath = path.resolve(root, shard);
          const relative = path.relative(root, shardPath);
          if (path.isAbsolute(shard) || relative.startsWith('..') || path.isAbsolute(relative)) {
            throw new Error(
              `loadQuantized: shard path '${shard}' in ${jsonPath} points outside the model folder`,
            );
          }
          let realShard: string;
          try {
            realShard = await fs.realpath(shardPath);
          } catch {
            throw new Error(`loadQuantized: shard '${shard}' listed in ${jsonPath} is missing`);
          }
          // A symlink inside the folder must not lead out of it either.
          const realRelative = path.relative(await fs.realpath(root), realShard);
          if (realRelative.startsWith('..') || path.isAbsolute(realRelative)) {
            throw new Error(
              `loadQuantized: shard '${shard}' in ${jsonPath} is a link to a file outside the model folder`,
            );
          }
          parts.push(new Uint8Array(await fs.readFile(realShard)));
        }
        const expected = group.weights.reduce(
          (n, w) => n + w.shape.reduce((a, b) => a * b, 1) * byteWidth(w),
          0,
        );
        const actual = parts.reduce((n, p) => n + p.byteLength, 0);
        if (actual < expected) {
          throw new Error(
            `loadQuantized: shard(s) ${group.paths.map((p) => `'${p}'`).join(', ')} in ${root} hold ${actual} bytes, ` +
              `but the manifest's weights need ${expected} (a short or truncated shard)`,
          );
        }
        specs.push(...group.weights);
        buffers.push(new Uint8Array(concat(parts), 0, expected));
      }
      return {
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy ?? undefined,
        weightSpecs: specs,
        weightData: concat(buffers),
        userDefinedMetadata: modelJson.userDefinedMetadata,
      } as io.ModelArtifacts;
    },
  };
}
