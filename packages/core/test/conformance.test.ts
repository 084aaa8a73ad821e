import { describe, it } from 'vitest';
import {
  convInt8ConformanceCases,
  fakeQuantConformanceCases,
  int8ConformanceCases,
} from '../src/testing/index.js';
import './setup.js';

// Core runs the shared suite with its reference kernels (tfjs ops) on both Node backends.
for (const backend of ['cpu', 'wasm']) {
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
