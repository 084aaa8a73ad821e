/**
 * Gradient of ClipqFakeQuant for x, min and max. The backward pass is a kernel of its own
 * (ClipqFakeQuantGrad), so each backend can fuse it into one pass; it runs once and feeds all three.
 */
import {
  engine,
  type GradConfig,
  type NamedAttrMap,
  type NamedTensorMap,
  type Tensor,
} from '@tensorflow/tfjs-core';
import {
  ClipqFakeQuant,
  ClipqFakeQuantGrad,
  type ClipqFakeQuantGradInputs,
} from '../kernel_names.js';

export const clipqFakeQuantGradConfig: GradConfig = {
  kernelName: ClipqFakeQuant,
  inputsToSave: ['x', 'min', 'max'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, min, max] = saved as [Tensor, Tensor, Tensor];
    const inputs: ClipqFakeQuantGradInputs = { dy: dy as Tensor, x, min, max };
    const [dx, dmin, dmax] = engine().runKernel(
      ClipqFakeQuantGrad,
      inputs as unknown as NamedTensorMap,
      attrs,
    ) as Tensor[];
    return { x: () => dx!, min: () => dmin!, max: () => dmax! };
  },
};
