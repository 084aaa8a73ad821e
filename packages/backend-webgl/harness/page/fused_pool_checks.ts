/**
 * ClipqConv2DInt8 with core's `fusedMaxPool` attribute on webgl: core's shared cases
 * (`fusedMaxPoolConformanceCases`: bit-identical to the Impl conv, requantized, then max pooled, with
 * the filter as an input and pinned), plus what only this package can see or set:
 * - which way each pool ran (tfjs's MaxPool in the kernel profile, or none when the epilogue took it),
 *   since a pool the epilogue cannot take must fall back to MaxPool rather than fail;
 * - the scratch budget, so the fused epilogue also runs in row chunks of whole images (and of image
 *   pairs, for packed outputs with odd pooled rows), and an image over the budget falls back.
 */
import type { ConformanceCase, FusedMaxPoolCase } from '@clipq/core/testing';
import { FUSED_MAX_POOL_CASES, fusedMaxPoolConformanceCases } from '@clipq/core/testing';
import { scratchBudget } from '../../src/mat_mul_int8_blocked.js';
import type { PageCase } from './checks.js';
import { tf } from './setup.js';

const SUITE = 'webgl conv fused max pool';

/** The epilogue takes a 2×2 stride-2 'valid' pool when one image fits the scratch budget. */
function epilogueTakes(c: FusedMaxPoolCase): boolean {
  return c.pool[0] === 2 && c.pool[1] === 2 && c.pool[2] === 'valid';
}

/** Cases only a scratch budget makes interesting: `budget` bytes per call, `fused` as expected. */
const BUDGET_CASES: Array<FusedMaxPoolCase & { budget: number; fused: boolean }> = [
  {
    name: 'row chunks of one image, unpacked output',
    shape: [5, 12, 10, 3],
    outChannels: 20,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    zeroPoints: true,
    budget: 20_000,
    fused: true,
  },
  {
    name: 'row chunks of image pairs, packed output, odd pooled rows',
    shape: [5, 14, 14, 2],
    outChannels: 128,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    zeroPoints: true,
    budget: 331_200,
    fused: true,
  },
  {
    name: 'one image over the scratch budget, conv in row chunks',
    shape: [2, 12, 10, 3],
    outChannels: 20,
    pool: [2, 2, 'valid'],
    activation: 'relu',
    zeroPoints: true,
    budget: 1,
    fused: false,
  },
];

/** Runs a core case under `budget` (if any) and checks in the profile whether tfjs's MaxPool ran. */
function profiled(check: ConformanceCase, fused: boolean, budget?: number): PageCase {
  return {
    suite: SUITE,
    name: `${check.name} (${fused ? 'fused in the epilogue' : 'then tfjs MaxPool'})`,
    async run() {
      await tf.setBackend('webgl');
      const saved = { ...scratchBudget };
      if (budget !== undefined) {
        scratchBudget.maxBytesPerCall = budget;
        scratchBudget.minRows = 8;
      }
      try {
        const profile = await tf.profile(() => check.run());
        if (profile.kernelNames.includes('MaxPool') === fused)
          throw new Error(`expected the pool ${fused ? 'fused' : 'run by tfjs MaxPool'}`);
      } finally {
        Object.assign(scratchBudget, saved);
      }
    },
  };
}

export function fusedPoolChecks(): PageCase[] {
  // One case per entry of `cases`, after the check that the kernel is marked withFusedMaxPool.
  const [marked, ...shared] = fusedMaxPoolConformanceCases('webgl');
  const [, ...budgeted] = fusedMaxPoolConformanceCases('webgl', { cases: BUDGET_CASES });
  return [
    { suite: SUITE, name: marked!.name, run: () => marked!.run() },
    ...shared.map((check, i) => profiled(check, epilogueTakes(FUSED_MAX_POOL_CASES[i]!))),
    ...budgeted.map((check, i) => profiled(check, BUDGET_CASES[i]!.fused, BUDGET_CASES[i]!.budget)),
  ];
}
