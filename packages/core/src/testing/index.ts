/**
 * @clipq/core/testing: the one conformance suite every backend package runs. Each case is
 * `{name, run}`; `run()` switches tfjs to the named backend and throws on any mismatch, so the suite
 * works under vitest in Node and inside a browser page alike.
 */

export { assertClose, assertExact, rng, TOLERANCE } from './assert.js';
export type { ConformanceCase } from './backend.js';
export { onBackend } from './backend.js';
export type { ConvCase } from './conv_int8_cases.js';
export { convCases, convInt8ConformanceCases, makeConvOperands } from './conv_int8_cases.js';
export { fakeQuantConformanceCases } from './fake_quant_cases.js';
export { fusedMaxPoolConformanceCases } from './fused_max_pool_cases.js';
export type { FusedMaxPoolCase } from './fused_max_pool_data.js';
export { FUSED_MAX_POOL_CASES, maxPoolCodesReference } from './fused_max_pool_data.js';
export type { MatMulCase } from './int8_cases.js';
export {
  int8ConformanceCases,
  MATMUL_CASES,
  makeMatMulOperands,
  randomCodes,
} from './int8_cases.js';
export type { PackedWeights } from './pinned.js';
export { packedCopy } from './pinned.js';
export type { ResidencyResult } from './residency.js';
export { measureResidency, residencyCase } from './residency.js';

import type { ConformanceCase } from './backend.js';

export interface ConformanceReport {
  passed: string[];
  failed: Array<{ name: string; error: string }>;
}

/** Runs cases one after another and collects the outcome (for harnesses without a test framework). */
export async function runConformance(cases: ConformanceCase[]): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: [], failed: [] };
  for (const c of cases) {
    try {
      await c.run();
      report.passed.push(c.name);
    } catch (error) {
      report.failed.push({ name: c.name, error: (error as Error).message });
    }
  }
  return report;
}
