/** The layers of a tfjs-layers model whose kernels clipq quantizes, and what stays float. */
import type * as tfl from '@tensorflow/tfjs-layers';
import type { TargetKind } from '../graph/graph_def.js';

export interface LayerTarget {
  layer: tfl.layers.Layer;
  kind: TargetKind;
  /** The kernel's manifest name (its variable's originalName). */
  weight: string;
}

const KINDS: Readonly<Record<string, TargetKind>> = {
  Dense: 'matmul',
  Conv2D: 'conv2d',
  DepthwiseConv2D: 'depthwise',
};

export function findLayerTargets(model: tfl.LayersModel): {
  targets: LayerTarget[];
  notes: string[];
} {
  const targets: LayerTarget[] = [];
  const notes: string[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const kind = KINDS[className];
    if (kind == null) {
      if (layer.weights.length > 0 && className !== 'BatchNormalization') {
        notes.push(
          `layer '${layer.name}' (${className}) has weights but stays float: unsupported layer`,
        );
      }
      continue;
    }
    const config = layer.getConfig();
    if (kind !== 'matmul' && config.dataFormat === 'channelsFirst') {
      notes.push(`layer '${layer.name}' stays float: channelsFirst is not supported`);
      continue;
    }
    targets.push({
      layer,
      kind,
      weight: (layer.weights[0] as unknown as { originalName: string }).originalName,
    });
  }
  return { targets, notes };
}
