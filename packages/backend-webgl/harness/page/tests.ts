/**
 * The in-page test entry: the shared conformance suite on webgl (both matmul paths) and on wasm, plus
 * webgl checks. Node lists the cases, then runs them one by one with `__clipq.run(index)`.
 */
import { fakeQuantConformanceCases, int8ConformanceCases } from '@clipq/core/testing';
import { instrumentKernels, kernelsRanCheck, type PageCase, webglChecks } from './checks.js';
import { initBackends, publish, tf } from './setup.js';

function suite(name: string, cases: Array<{ name: string; run(): Promise<void> }>): PageCase[] {
  return cases.map((c) => ({ suite: name, name: c.name, run: () => c.run() }));
}

/** The int8 suite on webgl with the float-texture program (the WebGL1 path) forced. */
function floatFallback(): PageCase[] {
  return suite('webgl int8 conformance, float fallback', int8ConformanceCases('webgl')).map(
    (c) => ({
      ...c,
      async run() {
        tf.env().set('CLIPQ_WEBGL_INT_TEXTURES', false);
        try {
          await c.run();
        } finally {
          tf.env().set('CLIPQ_WEBGL_INT_TEXTURES', true);
        }
      },
    }),
  );
}

publish(async () => {
  await initBackends();
  instrumentKernels();
  const cases: PageCase[] = [
    ...webglChecks().slice(0, 1),
    ...suite('webgl fakeQuant conformance', fakeQuantConformanceCases('webgl')),
    ...suite('webgl int8 conformance', int8ConformanceCases('webgl')),
    ...floatFallback(),
    ...webglChecks().slice(1),
    ...suite('wasm fakeQuant conformance', fakeQuantConformanceCases('wasm')),
    ...suite('wasm int8 conformance', int8ConformanceCases('wasm')),
    kernelsRanCheck(),
  ];
  return {
    cases: cases.map((c) => ({ suite: c.suite, name: c.name })),
    async run(index: number) {
      const started = performance.now();
      try {
        await cases[index]!.run();
        if (tf.getBackend() === 'webgl') {
          const gl = (tf.backend() as unknown as { gpgpu: { gl: WebGLRenderingContext } }).gpgpu.gl;
          const error = gl.getError();
          if (error !== 0)
            throw new Error(`gl.getError() = 0x${error.toString(16)} after the case`);
        }
        return { ok: true, ms: performance.now() - started };
      } catch (error) {
        return { ok: false, error: (error as Error).message, ms: performance.now() - started };
      }
    },
  };
});
