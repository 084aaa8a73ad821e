/**
 * Pinned vs unpinned weights on the e2e models in headless Chromium (harness/page/pinned_ab.ts):
 * `node harness/pinned_ab.mjs [demo|mobilenet] [batch] [rounds] [pinned|scratch] [budget]`; `scratch` compares
 * the pinned model with shared, chunked scratch and with per-weight, unbounded scratch instead; `budget`
 * overrides scratchBudget.maxBytesPerCall. A development tool.
 */
import { openPage } from './browser.mjs';

const [model = 'demo', batch = '1', rounds = '20', mode = 'pinned', budget = '0'] =
  process.argv.slice(2);
const { page, close } = await openPage('pinned_ab', { timeoutMs: 300_000 });
try {
  const lines = await page.evaluate(
    (o) => globalThis.__clipq.pinnedAB(o.model, o.batch, o.rounds, o.mode, o.budget),
    { model, batch: Number(batch), rounds: Number(rounds), mode, budget: Number(budget) },
  );
  console.log(lines.join('\n'));
} finally {
  await close();
}
