/** dequantize: QuantizedTensor → float32, bit-identical to the fake-quant output it came from. */
import { engine, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { QuantizedTensor } from '../int8/quantized_tensor.js';
import { ClipqDequantize, type ClipqDequantizeAttrs } from '../kernel_names.js';

export function dequantize(q: QuantizedTensor): Tensor {
  q.assertNotDisposed('dequantize');
  return tidy(() => {
    const attrs: ClipqDequantizeAttrs = {
      bits: q.bits,
      narrowRange: q.narrowRange,
      perChannel: q.axis !== null,
      axis: q.axis ?? 0,
    };
    const inputs = {
      codes: q.codes,
      scale: q.paramTensors().scale,
      zeroPoint: q.paramTensors().zeroPoint,
    };
    return engine().runKernel(
      ClipqDequantize,
      inputs,
      attrs as unknown as Record<string, never>,
    ) as Tensor;
  });
}
