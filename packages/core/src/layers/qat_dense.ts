/** QatDense: a Dense layer with learned-range fake-quant on its kernel and its output (see QatLayer). */
import { matMul, reshape, serialization, type Tensor } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { QatLayer, type QatLayerArgs } from './qat_layer.js';

export interface QatDenseArgs extends QatLayerArgs {
  units: number;
}

export class QatDense extends QatLayer {
  static className = 'ClipqQatDense';
  readonly units: number;

  constructor(args: QatDenseArgs) {
    super(args);
    this.units = args.units;
  }

  protected kernelShape(inputShape: tfl.Shape): number[] {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputDim == null)
      throw new Error(`QatDense '${this.name}': the last input dimension must be known`);
    return [inputDim, this.units];
  }

  protected outputChannels(kernelShape: number[]): number {
    return kernelShape[1]!;
  }

  protected linear(x: Tensor, kernel: Tensor): Tensor {
    if (x.rank === 2) return matMul(x, kernel);
    const flat = reshape(x, [-1, x.shape[x.rank - 1]!]);
    return reshape(matMul(flat, kernel), [...x.shape.slice(0, -1), this.units]);
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
serialization.registerClass(QatDense);
