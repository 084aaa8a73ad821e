/**
 * The in-page test entry. On WebGL2: the shared conformance suite on webgl and on wasm, plus webgl
 * checks. With `?webgl=1`: the suite on a real WebGL1 context, through the program paths. Node lists
 * the cases, then runs them one by one with `__clipq.run(index)`.
 */
import {
  convInt8ConformanceCases,
  fakeQuantConformanceCases,
  int8ConformanceCases,
} from '@clipq/core/testing';
import { directPath } from '../../src/mat_mul_int8_webgl2.js';
import { instrumentKernels, kernelsRanCheck, type PageCase, webglChecks } from './checks.js';
import { convWebglChecks } from './conv_checks.js';
import { flatAChecks } from './flat_a_checks.js';
import { fusedPoolChecks } from './fused_pool_checks.js';
import { packedInputChecks } from './packed_input_checks.js';
import { pinnedChecks, programPathPinnedCases } from './pinned_checks.js';
import { scratchChecks } from './scratch_checks.js';
import { initBackends, publish, tf } from './setup.js';

function suite(name: string, cases: Array<{ name: string; run(): Promise<void> }>): PageCase[] {
  return cases.map((c) => ({ suite: name, name: c.name, run: () => c.run() }));
}

/**
 * The int8 suites again with the matmul forced onto one path: small products normally take the
 * single-pass program and large ones the blocked passes, so each path also sees the other's shapes.
 */
function forcedPath(path: 'single-pass' | 'blocked'): PageCase[] {
  const maxWork = path === 'single-pass' ? Number.POSITIVE_INFINITY : 0;
  const cases = [...int8ConformanceCases('webgl'), ...convInt8ConformanceCases('webgl')];
  return cases.map((c) => ({
    suite: `webgl int8 conformance, ${path} matmul`,
    name: c.name,
    async run() {
      const saved = directPath.maxWork;
      directPath.maxWork = maxWork;
      try {
        await c.run();
      } finally {
        directPath.maxWork = saved;
      }
    },
  }));
}

/** `?webgl=1` runs the webgl suites on a real WebGL1 context, where only the program paths exist. */
const webgl1 = new URLSearchParams(location.search).get('webgl') === '1';

function webgl1Cases(): PageCase[] {
  return [
    {
      suite: 'WebGL1 context',
      name: 'tfjs runs on a WebGL1 context and clipq uses its program paths there',
      run() {
        const gl = (tf.findBackend('webgl') as unknown as { gpgpu: { gl: WebGLRenderingContext } })
          .gpgpu.gl;
        if (tf.env().getNumber('WEBGL_VERSION') !== 1 || gl instanceof WebGL2RenderingContext) {
          throw new Error('expected a WebGL1 context');
        }
        if (tf.env().getBool('CLIPQ_WEBGL_RAW_PASSES'))
          throw new Error('raw WebGL2 passes enabled on WebGL1');
      },
    },
    ...suite('WebGL1 fakeQuant conformance', fakeQuantConformanceCases('webgl')),
    ...suite('WebGL1 int8 conformance', int8ConformanceCases('webgl')),
    ...suite('WebGL1 conv int8 conformance', convInt8ConformanceCases('webgl')),
    kernelsRanCheck(),
  ];
}

function webgl2Cases(): PageCase[] {
  return [
    ...webglChecks().slice(0, 1),
    ...suite('webgl fakeQuant conformance', fakeQuantConformanceCases('webgl')),
    ...suite('webgl int8 conformance', int8ConformanceCases('webgl')),
    ...suite('webgl conv int8 conformance', convInt8ConformanceCases('webgl')),
    ...forcedPath('single-pass'),
    ...forcedPath('blocked'),
    ...convWebglChecks(),
    ...fusedPoolChecks(),
    ...flatAChecks(),
    ...packedInputChecks(),
    ...pinnedChecks(),
    ...programPathPinnedCases(),
    ...webglChecks().slice(1),
    ...scratchChecks(),
    ...suite('wasm fakeQuant conformance', fakeQuantConformanceCases('wasm')),
    ...suite('wasm int8 conformance', int8ConformanceCases('wasm')),
    kernelsRanCheck(),
  ];
}

publish(async () => {
  if (webgl1) tf.env().set('WEBGL_VERSION', 1);
  await initBackends(webgl1 ? ['cpu', 'webgl'] : undefined);
  instrumentKernels();
  const cases = webgl1 ? webgl1Cases() : webgl2Cases();
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
