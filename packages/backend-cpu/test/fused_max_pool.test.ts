import { fusedMaxPoolConformanceCases } from '@clipq/core/testing';
import { describe, it } from 'vitest';
import './setup.js';

// This package's ClipqConv2DInt8 is not marked withFusedMaxPool: the conv writes host memory and the
// int32 MaxPool (src/kernels/MaxPool.ts) is one cheap pass over it, so the int8 runtime pools after the
// conv here. The shared cases check that the kernel is unmarked, and that this package's conv (filter
// as an input and pinned), max pooled by tfjs on its codes cast to float32 (exact for codes), equals
// core's Impl conv, requantized, then max pooled. The int32 MaxPool itself is tested in max_pool.test.ts.
describe('fused max pool conformance on cpu (conv, then a separate pool)', () => {
  for (const c of fusedMaxPoolConformanceCases('cpu', { fuses: false })) it(c.name, c.run);
});
