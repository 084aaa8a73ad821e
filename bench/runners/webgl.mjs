/**
 * `pnpm bench --backend webgl`: opens one headless Chromium page (SwiftShader WebGL2), runs the
 * in-page benchmark (packages/backend-webgl/harness/page/bench.ts) and returns its rows.
 */
import { browserSkipReason, openPage } from '../../packages/backend-webgl/harness/browser.mjs';

export async function run({ quick = false } = {}) {
  const skipReason = browserSkipReason();
  if (skipReason) throw new Error(`bench webgl needs Chromium: ${skipReason}`);
  const { page, close } = await openPage('bench');
  try {
    const meta = await page.evaluate(() => globalThis.__clipq.meta);
    const { rows, skipped, phases, leftoverClipqTextures } = await page.evaluate(
      (options) => globalThis.__clipq.bench(options),
      { quick },
    );
    for (const line of skipped) console.error(`[webgl] ${line}`);
    return { rows, meta: { ...meta, e2ePhases: phases, leftoverClipqTextures } };
  } finally {
    await close();
  }
}
