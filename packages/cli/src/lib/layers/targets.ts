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

/** Layer classes core's QAT transform wraps, folds or passes through (anything else with weights is skipped). */
const QAT_HANDLED = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization']);

/** Names of layers that have weights core's QAT transform cannot handle. */
export function unsupportedLayers(model: tfl.LayersModel): string[] {
  return model.layers
    .filter((l) => l.weights.length > 0 && !QAT_HANDLED.has(l.getClassName()))
    .map((l) => l.name);
}
