import {
  convInt8ConformanceCases,
  fakeQuantConformanceCases,
  int8ConformanceCases,
} from '@clipq/core/testing';
import { describe, it } from 'vitest';
import './setup.js';

// The one shared suite from core, run against this package's kernels.
describe('fake-quant conformance on cpu (@clipq/backend-cpu kernels)', () => {
  for (const c of fakeQuantConformanceCases('cpu')) it(c.name, c.run);
});
describe('int8 conformance on cpu (@clipq/backend-cpu kernels)', () => {
  for (const c of int8ConformanceCases('cpu')) it(c.name, c.run);
});
describe('int8 convolution conformance on cpu (@clipq/backend-cpu kernels)', () => {
  for (const c of convInt8ConformanceCases('cpu')) it(c.name, c.run);
});
