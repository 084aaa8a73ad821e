/**
 * The fused activations a QAT layer applies before its output fake-quant. The output range is learned
 * after the activation, so a ReLU output spends its whole grid on [0, max].
 */
import { clipByValue, relu, sigmoid, softmax, type Tensor, tanh } from '@tensorflow/tfjs-core';

export const QAT_ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax'] as const;
export type QatActivation = (typeof QAT_ACTIVATIONS)[number];

export function assertActivation(
  layerName: string,
  activation: string,
): asserts activation is QatActivation {
  if (!(QAT_ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new Error(
      `prepareQat: layer '${layerName}' uses activation '${activation}', which QAT does not support ` +
        `(supported: ${QAT_ACTIVATIONS.join(', ')})`,
    );
  }
}

export function applyActivation(activation: QatActivation, x: Tensor): Tensor {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return relu(x);
    case 'relu6':
      // clipByValue has a gradient in tfjs-core; relu6 has one too, but keep one formula for every backend.
      return clipByValue(x, 0, 6);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
    case 'softmax':
      return softmax(x);
  }
}
