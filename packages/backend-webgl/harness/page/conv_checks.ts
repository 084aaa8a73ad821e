/**
 * WebGL checks of the int8 convolutions beyond the shared conformance suite: every texture they create
 * (im2col patches, packed filter, scratch, depthwise epilogue) is gone after dispose().
 */
import { convCases, makeConvOperands } from '@clipq/core/testing';
import type { PageCase } from './checks.js';
import { textureCounts } from './checks.js';
import { tf } from './setup.js';

export function convWebglChecks(): PageCase[] {
  return [
    {
      suite: 'webgl conv checks',
      name: 'conv2dInt8 (im2col + int8 matmul) and depthwiseConv2dInt8 leave no texture behind after dispose()',
      async run() {
        await tf.setBackend('webgl');
        const before = textureCounts();
        const cases = convCases(16);
        const conv = cases.find((c) => !c.depthwise && c.kernel[0] > 1)!;
        const depthwise = cases.find((c) => c.depthwise)!;
        for (const [i, c] of [conv, depthwise].entries()) {
          const { x, filter, run } = makeConvOperands(c, 900 + i);
          const out = run();
          await out.data();
          out.dispose();
          x.dispose();
          filter.dispose();
        }
        const after = textureCounts();
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          throw new Error(
            `textures left behind: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
          );
        }
      },
    },
  ];
}
