/**
 * QatConv2D and QatDepthwiseConv2D: 2-D convolutions (channels last) with learned-range fake-quant on
 * their kernel (per output channel) and output (see QatLayer).
 */
import {
  conv2d,
  depthwiseConv2d,
  reshape,
  serialization,
  type Tensor,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { convOutputLength, type Padding, pair } from './conv_shape.js';
import { QatLayer, type QatLayerArgs } from './qat_layer.js';

interface QatConvArgs extends QatLayerArgs {
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  dilationRate?: number | [number, number];
}

abstract class QatConvBase extends QatLayer {
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];

  constructor(args: QatConvArgs) {
    super(args);
    this.kernelSize = pair(args.kernelSize, 'kernelSize', this.name);
    this.strides = pair(args.strides ?? 1, 'strides', this.name);
    this.dilationRate = pair(args.dilationRate ?? 1, 'dilationRate', this.name);
    this.padding = args.padding ?? 'valid';
    if (this.padding !== 'same' && this.padding !== 'valid') {
      throw new Error(
        `layer '${this.name}': padding must be 'same' or 'valid', got ${String(this.padding)}`,
      );
    }
  }

  protected inputChannels(inputShape: tfl.Shape): number {
    if (inputShape.length !== 4) {
      throw new Error(
        `${this.getClassName()} '${this.name}': expects rank-4 NHWC input, got shape [${inputShape}]`,
      );
    }
    const channels = inputShape[3];
    if (channels == null)
      throw new Error(`${this.getClassName()} '${this.name}': the channel dimension must be known`);
    return channels;
  }

  protected abstract channelsOut(inputShape: tfl.Shape): number;

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const [kh, kw] = this.kernelSize;
    return [
      shape[0]!,
      convOutputLength(shape[1]!, kh, this.padding, this.strides[0], this.dilationRate[0]),
      convOutputLength(shape[2]!, kw, this.padding, this.strides[1], this.dilationRate[1]),
      this.channelsOut(shape),
    ];
  }

  override getConfig(): serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
    };
  }
}

export interface QatConv2DArgs extends QatConvArgs {
  filters: number;
}

export class QatConv2D extends QatConvBase {
  static className = 'ClipqQatConv2D';
  readonly filters: number;

  constructor(args: QatConv2DArgs) {
    super(args);
    this.filters = args.filters;
  }

  protected kernelShape(inputShape: tfl.Shape): number[] {
    return [...this.kernelSize, this.inputChannels(inputShape), this.filters];
  }

  protected outputChannels(kernelShape: number[]): number {
    return kernelShape[3]!;
  }

  protected channelsOut(): number {
    return this.filters;
  }

  protected linear(x: Tensor, kernel: Tensor): Tensor {
    return conv2d(
      x as Tensor4D,
      kernel as Tensor4D,
      this.strides,
      this.padding,
      'NHWC',
      this.dilationRate,
    );
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters };
  }
}
serialization.registerClass(QatConv2D);

export interface QatDepthwiseConv2DArgs extends QatConvArgs {
  depthMultiplier?: number;
}

export class QatDepthwiseConv2D extends QatConvBase {
  static className = 'ClipqQatDepthwiseConv2D';
  readonly depthMultiplier: number;

  constructor(args: QatDepthwiseConv2DArgs) {
    super(args);
    this.depthMultiplier = args.depthMultiplier ?? 1;
  }

  protected kernelShape(inputShape: tfl.Shape): number[] {
    return [...this.kernelSize, this.inputChannels(inputShape), this.depthMultiplier];
  }

  protected outputChannels(kernelShape: number[]): number {
    return kernelShape[2]! * kernelShape[3]!;
  }

  protected channelsOut(inputShape: tfl.Shape): number {
    return this.inputChannels(inputShape) * this.depthMultiplier;
  }

  /** [kh, kw, in, multiplier] → [kh, kw, in·multiplier]: output channel c·multiplier + m is last. */
  override channelKernel(kernel: Tensor): Tensor {
    const [kh, kw, cin, mult] = kernel.shape as number[];
    return reshape(kernel, [kh!, kw!, cin! * mult!]);
  }

  override unchannelKernel(kernel: Tensor): Tensor {
    const [kh, kw] = kernel.shape as number[];
    return reshape(kernel, [kh!, kw!, -1, this.depthMultiplier]);
  }

  protected linear(x: Tensor, kernel: Tensor): Tensor {
    return depthwiseConv2d(
      x as Tensor4D,
      kernel as Tensor4D,
      this.strides,
      this.padding,
      'NHWC',
      this.dilationRate,
    );
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier };
  }
}
serialization.registerClass(QatDepthwiseConv2D);
