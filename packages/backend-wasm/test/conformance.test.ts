import { fakeQuantConformanceCases, int8ConformanceCases } from '@clipq/core/testing';
import { describe, it } from 'vitest';
import './setup.js';

// The one shared suite from core, run against this package's kernels on tfjs-wasm.
describe('fake-quant conformance on wasm (@clipq/backend-wasm kernels)', () => {
  for (const c of fakeQuantConformanceCases('wasm')) it(c.name, c.run);
});
describe('int8 conformance on wasm (@clipq/backend-wasm kernels)', () => {
  for (const c of int8ConformanceCases('wasm')) it(c.name, c.run);
});
