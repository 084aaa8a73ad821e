/**
 * QuantizedTensor: integer codes plus their quantization parameters (BRIEF 2, "int8 tensors").
 *
 * tfjs has no int8 dtype, so the codes are an int32 tensor with one code per element. That is exact on
 * every backend, WebGL's float textures included; codes are never bit-packed into int32 values.
 * Real value = (code − zeroPoint)·scale, computed in TF's float32 form by `dequantize`.
 */
import {
  getBackend,
  keep,
  reshape,
  type Tensor,
  tensor,
  tensor1d,
  util,
} from '@tensorflow/tfjs-core';
import type { PinnedWeightsAttr } from '../kernel_names.js';
import { type PinnableKernel, releasePackedWeights } from './packed_weight_cache.js';
import { type PinnedWeights, pinCodes, releaseCodes, unpackPinnedCodes } from './pinned_codes.js';
import {
  type QuantizationParamTensors,
  type QuantizationSpec,
  type QuantizedTensorOptions,
  validateCodes,
} from './quantization_spec.js';

export type { PinnedWeights } from './pinned_codes.js';
export type {
  QuantizationParamTensors,
  QuantizationSpec,
  QuantizedTensorOptions,
} from './quantization_spec.js';

export class QuantizedTensor implements QuantizationSpec {
  readonly scale: Float32Array;
  readonly zeroPoint: Int32Array;
  readonly axis: number | null;
  readonly bits: number;
  readonly narrowRange: boolean;
  readonly shape: number[];
  /** Null while the codes live only in a backend's pinned copy (`pack`). */
  private codesTensor: Tensor | null;
  private pin: PinnedWeights | null = null;
  private disposed = false;
  /** The parameter tensors this one made (and frees), or null. */
  private ownParams: QuantizationParamTensors | null = null;
  /**
   * Parameter tensors lent by their owner (`QuantizedTensorOptions.params`): never disposed here. Set
   * as a non-enumerable property, so that `tf.dispose(q)` and `tidy`, which walk enumerable properties,
   * do not see them (a `#` field would hide them too, but breaks on a Proxy of the tensor).
   */
  declare private readonly borrowedParams: QuantizationParamTensors | null;

  /** Prefer `quantize()` or `QuantizedTensor.fromCodes()`, which validate. */
  constructor(codes: Tensor, spec: QuantizationSpec, options: QuantizedTensorOptions = {}) {
    const params = options.params ?? null;
    if (params) {
      util.assert(
        params.scale.dtype === 'float32' &&
          params.zeroPoint.dtype === 'int32' &&
          params.scale.size === spec.scale.length &&
          params.zeroPoint.size === spec.zeroPoint.length,
        () =>
          `QuantizedTensor: borrowed params must be float32 [${spec.scale.length}] and int32 [${spec.zeroPoint.length}], got ${params.scale.dtype} [${params.scale.shape}] and ${params.zeroPoint.dtype} [${params.zeroPoint.shape}]`,
      );
    }
    Object.defineProperty(this, 'borrowedParams', { value: params, enumerable: false });
    this.codesTensor = codes;
    this.scale = spec.scale;
    this.zeroPoint = spec.zeroPoint;
    this.axis = spec.axis;
    this.bits = spec.bits;
    this.narrowRange = spec.narrowRange;
    this.shape = codes.shape.slice();
  }

  /** Wraps existing int32 codes, checking dtype, parameter lengths and (by reading them) the code range. */
  static fromCodes(
    codes: Tensor,
    spec: QuantizationSpec,
    options: { validate?: boolean } = {},
  ): QuantizedTensor {
    validateCodes(codes, spec, options.validate ?? true);
    return new QuantizedTensor(codes, spec);
  }

  /**
   * The int32 codes. Throws after `dispose()`. On a packed tensor this unpacks them into a new int32
   * tensor, which stays (4 bytes per code again) until the next `pack()`.
   */
  get codes(): Tensor {
    this.assertNotDisposed('QuantizedTensor');
    this.codesTensor ??= keep(tensor(this.unpackCodes(), this.shape, 'int32'));
    return this.codesTensor;
  }

  /** The backend cache entry holding the codes, after `pack()`; null otherwise. */
  get pinned(): PinnedWeights | null {
    return this.pin;
  }

  /**
   * The `pinnedWeights` kernel attribute for `kernelName` on the active backend, if the codes are packed
   * there for that kernel and shape; null means the kernel must get the int32 codes.
   */
  pinnedFor(kernelName: PinnableKernel, shape: number[] = this.shape): PinnedWeightsAttr | null {
    const pin = this.pin;
    if (!pin || pin.kernelName !== kernelName || pin.backend !== getBackend()) return null;
    return util.arraysEqual(pin.shape, shape) ? { key: pin.key, shape: pin.shape } : null;
  }

  /** True while the codes exist only in a backend's packed copy. */
  get isPacked(): boolean {
    return this.codesTensor === null;
  }

  /**
   * Moves the codes into the active backend's packed cache, in the form `kernelName` reads them (the
   * weight input's `shape`, default this tensor's own), and frees the int32 codes: the packed copy,
   * about 1 byte per code, is then the only one. The int8 ops and the int8 runtime pass it to the
   * kernels as `pinnedWeights`. Returns false, changing nothing, if the backend's cache cannot pin.
   * Packing on another backend moves the codes there.
   */
  pack(kernelName: PinnableKernel, shape: number[] = this.shape): boolean {
    const op = 'QuantizedTensor.pack';
    this.assertNotDisposed(op);
    util.assert(
      util.sizeFromShape(shape) === this.size,
      () =>
        `${op}: shape [${shape}] has ${util.sizeFromShape(shape)} elements, the codes ${this.size}`,
    );
    util.assert(this.bits <= 8, () => `${op}: only codes of ≤ 8 bits pack, got ${this.bits} bits`);
    const backend = getBackend();
    const pin = this.pin;
    const same =
      pin?.backend === backend &&
      pin.kernelName === kernelName &&
      util.arraysEqual(pin.shape, shape);
    if (!same) {
      const pinned = pinCodes(this.codes, backend, kernelName, shape);
      if (!pinned) return false;
      if (pin) releasePackedWeights(pin.key);
      this.pin = pinned;
    }
    if (this.codesTensor) {
      releaseCodes(this.codesTensor);
      this.codesTensor = null;
    }
    return true;
  }

  /** Runs `body` on a QuantizedTensor with live codes: this one, or a temporary unpacked copy. */
  withCodes<T>(body: (q: QuantizedTensor) => T): T {
    this.assertNotDisposed('QuantizedTensor.withCodes');
    if (this.codesTensor) return body(this);
    const codes = tensor(this.unpackCodes(), this.shape, 'int32');
    const temporary = new QuantizedTensor(codes, this, this.lentParams());
    try {
      return body(temporary);
    } finally {
      temporary.dispose();
    }
  }

  private unpackCodes(): Int32Array {
    return unpackPinnedCodes(this.pin!, `[${this.shape}]`);
  }

  /**
   * The same codes under another shape (a free reshape; the data is shared, so packed caches keyed by
   * the original's dataId stay valid). Only the channel layout must survive: per-tensor, or the channel
   * axis keeps its size and position given by `axis` in the new shape. On a packed tensor this unpacks
   * the codes (see `codes`); use `withCodes` for a temporary view instead.
   */
  reshaped(shape: number[], axis: number | null = this.axis): QuantizedTensor {
    this.assertNotDisposed('QuantizedTensor.reshaped');
    const channels = axis === null ? 1 : shape[axis];
    util.assert(
      channels === this.scale.length,
      () =>
        `QuantizedTensor.reshaped: [${shape}] with axis ${axis} has ${channels} channels, the codes have ${this.scale.length}`,
    );
    return new QuantizedTensor(
      reshape(this.codes, shape),
      {
        scale: this.scale,
        zeroPoint: this.zeroPoint,
        axis,
        bits: this.bits,
        narrowRange: this.narrowRange,
      },
      this.lentParams(),
    );
  }

  /** Borrowed parameter tensors, passed on to derived tensors (owned ones die with this tensor). */
  private lentParams(): QuantizedTensorOptions {
    return this.borrowedParams ? { params: this.borrowedParams } : {};
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  assertNotDisposed(opName: string): void {
    if (this.disposed)
      throw new Error(`${opName}: this QuantizedTensor [${this.shape}] was disposed`);
  }

  /**
   * `scale` (float32) and `zeroPoint` (int32) as 1-D tensors for kernel inputs: the borrowed pair when
   * the constructor got one, else a pair made on first use and kept until `dispose()`, so that ops do
   * not upload them on every call. The caller must not dispose them.
   */
  paramTensors(): QuantizationParamTensors {
    this.assertNotDisposed('QuantizedTensor.paramTensors');
    const borrowed = this.borrowedParams;
    if (borrowed) {
      util.assert(
        !borrowed.scale.isDisposed && !borrowed.zeroPoint.isDisposed,
        () =>
          'QuantizedTensor.paramTensors: the borrowed scale/zero-point tensors were disposed by their owner (e.g. the int8 runtime that made this activation)',
      );
      return borrowed;
    }
    this.ownParams ??= {
      scale: keep(tensor1d(this.scale, 'float32')),
      zeroPoint: keep(tensor1d(this.zeroPoint, 'int32')),
    };
    return this.ownParams;
  }

  /** Frees the codes, every backend's packed copy of them and owned (not borrowed) params. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ownParams?.scale.dispose();
    this.ownParams?.zeroPoint.dispose();
    if (this.pin) releasePackedWeights(this.pin.key);
    if (this.codesTensor) releaseCodes(this.codesTensor);
  }
}
