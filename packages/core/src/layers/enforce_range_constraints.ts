/**
 * tfjs-layers applies a weight's constraint only in `LayerVariable.write()`, never after an optimizer
 * step (the optimizer assigns the variable directly). This callback closes that gap: after every batch it
 * re-writes each constrained weight, so learned ranges satisfy min ≤ 0 ≤ max and max − min ≥ ε at every
 * step, as `rangeConstraint()` promises. Pass it to `model.fit({callbacks: [enforceRangeConstraints()]})`.
 */
import { clone, tidy } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Weight = tfl.LayerVariable & { constraint: unknown };

export class EnforceRangeConstraints extends tfl.Callback {
  override async onBatchEnd(): Promise<void> {
    this.apply();
  }

  /** Re-applies every weight constraint of the model now. */
  apply(): void {
    const model = this.model as tfl.LayersModel | undefined;
    if (!model) return;
    tidy(() => {
      for (const layer of model.layers) {
        for (const weight of layer.trainableWeights as Weight[]) {
          // write() skips its own value (same tensor id) without constraining it, so hand it a copy.
          if (weight.constraint != null) weight.write(clone(weight.read()));
        }
      }
    });
  }
}

export function enforceRangeConstraints(): EnforceRangeConstraints {
  return new EnforceRangeConstraints();
}
