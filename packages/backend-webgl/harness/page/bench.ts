/**
 * The in-page benchmark for `pnpm bench --backend webgl`: rows in BRIEF 3.3's format, timed with the
 * repo's `comparePair` (tinybench, ours and the baseline interleaved, medians), every run awaiting
 * `data()`, since gl.finish() does not wait under SwiftShader.
 */
import { ownTextureStats } from '../../src/base.js';
import type { Row } from './bench_common.js';
import { e2eRows, phases, skipped } from './bench_e2e.js';
import { fakeQuantRows } from './bench_fake_quant.js';
import { matMulRow } from './bench_mat_mul.js';
import { initBackends, publish, tf } from './setup.js';

publish(async () => {
  await initBackends(['webgl'], false);
  const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGL2RenderingContext } }).gpgpu.gl;
  return {
    meta: {
      browser: navigator.userAgent,
      renderer: (() => {
        const info = gl.getExtension('WEBGL_debug_renderer_info');
        return info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
      })(),
      webglVersion: tf.env().getNumber('WEBGL_VERSION'),
    },
    async bench({ quick, only }: { quick: boolean; only?: string }) {
      const rows: Row[] = [];
      if (only === 'e2e') {
        rows.push(...(await e2eRows(quick)));
        return { rows, skipped, phases, leftoverClipqTextures: ownTextureStats().textures };
      }
      for (const [M, K, N] of [
        [64, 1024, 1024],
        [256, 256, 256],
        [512, 512, 512],
      ] as const) {
        rows.push(await matMulRow(M, K, N, quick));
      }
      rows.push(...(await fakeQuantRows({ shape: [256, 1024], perChannel: false }, quick)));
      rows.push(...(await fakeQuantRows({ shape: [256, 1024], perChannel: true }, quick)));
      rows.push(...(await e2eRows(quick)));
      return { rows, skipped, phases, leftoverClipqTextures: ownTextureStats().textures };
    },
  };
});
