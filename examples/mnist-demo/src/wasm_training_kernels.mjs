/**
 * Convolution gradients for training on tfjs-wasm 4.22, which has no Conv2DBackpropFilter kernel at all
 * (model.fit of any Conv2D fails) and a slow scalar Conv2DBackpropInput. Both are written here with fast
 * wasm kernels:
 *
 * - dW, stride 1: one XNNPACK convolution over the batch axis (see below); other strides: im2col(x)ᵀ · dy
 *   with k·k shifted slices, one concat, one transpose and one XNNPACK matMul;
 * - dx (stride 1, 'same' padding, odd kernels, no dilation) = conv2d(dy, w rotated 180° with in/out
 *   swapped), an XNNPACK convolution. Other shapes keep tfjs's own kernel.
 */

import { asTensor, registerKernelOverride } from '@clipq/core';
import * as tf from '@tensorflow/tfjs-core';

const pair = (v) => (Array.isArray(v) ? v : [v, v]);
/** A kernel input as a Tensor with its own reference (disposing it never frees the caller's data). */
const wrap = asTensor;

function samePadding(inSize, outSize, kernel, stride) {
  const total = Math.max((outSize - 1) * stride + kernel - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function conv2dBackpropFilter({ inputs, attrs }) {
  const { strides, pad, dataFormat, dilations, filterShape } = attrs;
  if (
    dataFormat !== 'NHWC' ||
    (dilations && pair(dilations).some((d) => d !== 1)) ||
    typeof pad !== 'string'
  ) {
    throw new Error(
      `Conv2DBackpropFilter (clipq demo, wasm): unsupported attrs ${JSON.stringify({ pad, dataFormat, dilations })}`,
    );
  }
  return tf.tidy(() => {
    const x = wrap(inputs.x);
    const dy = wrap(inputs.dy);
    const [kh, kw, cin, cout] = filterShape;
    const [sh, sw] = pair(strides);
    const [n, h, w] = x.shape;
    const [, oh, ow] = dy.shape;
    const padded =
      pad === 'same'
        ? tf.pad(x, [[0, 0], samePadding(h, oh, kh, sh), samePadding(w, ow, kw, sw), [0, 0]])
        : x;
    if (sh === 1 && sw === 1) {
      // Stride 1: dW is itself a 'valid' convolution over the batch: the padded input as
      // [in, H, W, batch] convolved with dy as a [oh, ow, batch, out] filter gives [in, kh, kw, out].
      const image = tf.transpose(padded, [3, 1, 2, 0]);
      const filter = tf.transpose(dy, [1, 2, 0, 3]);
      return tf.transpose(tf.conv2d(image, filter, 1, 'valid'), [1, 2, 0, 3]);
    }
    const columns = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        columns.push(
          sh === 1 && sw === 1
            ? tf.slice(padded, [0, i, j, 0], [n, oh, ow, cin])
            : tf.stridedSlice(
                padded,
                [0, i, j, 0],
                [n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1, cin],
                [1, sh, sw, 1],
              ),
        );
      }
    }
    const patches = tf.reshape(tf.concat(columns, 3), [n * oh * ow, kh * kw * cin]);
    const grad = tf.matMul(tf.transpose(patches), tf.reshape(dy, [n * oh * ow, cout]));
    return tf.reshape(grad, filterShape);
  });
}

export function registerWasmTrainingKernels() {
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: conv2dBackpropFilter,
  });
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  registerKernelOverride({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The stock kernel's setup (binding its wasm function) must still run for the fallback path.
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { strides, pad, dataFormat, dilations } = args.attrs;
      const filter = args.inputs.filter;
      const [kh, kw] = filter.shape;
      const simple =
        pad === 'same' &&
        dataFormat === 'NHWC' &&
        kh % 2 === 1 &&
        kw % 2 === 1 &&
        pair(strides).every((s) => s === 1) &&
        (!dilations || pair(dilations).every((d) => d === 1));
      if (!simple) return stock.kernelFunc(args);
      return tf.tidy(() => {
        const flipped = tf.transpose(tf.reverse(wrap(filter), [0, 1]), [0, 1, 3, 2]);
        return tf.conv2d(wrap(args.inputs.dy), flipped, 1, 'same');
      });
    },
  });
}
