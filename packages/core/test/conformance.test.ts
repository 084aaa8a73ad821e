import { describe, it } from 'vitest';
import { HostWeightCache, registerPackedWeightCache } from '../src/index.js';
import {
  convInt8ConformanceCases,
  fakeQuantConformanceCases,
  int8ConformanceCases,
} from '../src/testing/index.js';
import './setup.js';

// Core runs the shared suite with its reference kernels (tfjs ops) on both Node backends. Pinned weights
// there live in a HostWeightCache (host Int8Array), which the reference kernels unpack on every call.
for (const backend of ['cpu', 'wasm']) {
  registerPackedWeightCache(new HostWeightCache(backend));
  describe(`fake-quant conformance on ${backend} (reference kernels)`, () => {
    for (const c of fakeQuantConformanceCases(backend)) it(c.name, c.run);
  });
  describe(`int8 conformance on ${backend} (reference kernels)`, () => {
    for (const c of int8ConformanceCases(backend)) it(c.name, c.run);
  });
  describe(`int8 convolution conformance on ${backend} (reference kernels)`, () => {
    for (const c of convInt8ConformanceCases(backend)) it(c.name, c.run);
  });
}
