/** Reads the learned ranges of a QAT model, for reports and for measuring how far ranges moved. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { FakeQuantize } from '../layers/fake_quantize_layer.js';
import { QatLayer } from '../layers/qat_layer.js';

export interface RangeEntry {
  layer: string;
  kind: 'weight' | 'activation';
  min: Float32Array;
  max: Float32Array;
}

export function learnedRanges(model: tfl.LayersModel): RangeEntry[] {
  const entries: RangeEntry[] = [];
  for (const layer of model.layers) {
    if (layer instanceof FakeQuantize)
      entries.push({
        layer: layer.name,
        kind: layer.axis === null ? 'activation' : 'weight',
        ...layer.getRange(),
      });
    if (layer instanceof QatLayer) {
      const weight = layer.getWeightRange();
      const output = layer.getOutputRange();
      if (weight) entries.push({ layer: layer.name, kind: 'weight', ...weight });
      if (output) entries.push({ layer: layer.name, kind: 'activation', ...output });
    }
  }
  return entries;
}

export interface RangeWidthSummary {
  /** Mean max − min over activation ranges. */
  activation: number;
  /** Mean max − min over weight ranges (every channel counts once). */
  weight: number;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

function widths(entries: RangeEntry[], kind: RangeEntry['kind']): number[] {
  return entries
    .filter((e) => e.kind === kind)
    .flatMap((e) => Array.from(e.max, (hi, c) => hi - e.min[c]!));
}

export function meanRangeWidth(entries: RangeEntry[]): RangeWidthSummary {
  return {
    activation: mean(widths(entries, 'activation')),
    weight: mean(widths(entries, 'weight')),
  };
}

/** Mean |Δ(max − min)| between two snapshots of the same model's ranges (e.g. before and after QAT). */
export function meanRangeWidthChange(before: RangeEntry[], after: RangeEntry[]): RangeWidthSummary {
  const change = (kind: RangeEntry['kind']) => {
    const a = widths(before, kind);
    const b = widths(after, kind);
    if (a.length !== b.length)
      throw new Error('meanRangeWidthChange: the two snapshots come from different models');
    return mean(a.map((w, i) => Math.abs(b[i]! - w)));
  };
  return { activation: change('activation'), weight: change('weight') };
}
