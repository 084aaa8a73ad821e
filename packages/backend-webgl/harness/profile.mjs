/**
 * Per-layer timings of the e2e models (int8 runtime and float) in headless Chromium:
 * `node harness/profile.mjs [demo|mobilenet] [batch] [repeats]`. A development tool for finding where
 * the time goes; the numbers include one 1-pixel read-back per layer.
 */
import { openPage } from './browser.mjs';

const [model = 'mobilenet', batch = '1', repeats = '3'] = process.argv.slice(2);
const { page, close } = await openPage('profile', { timeoutMs: 180_000 });
try {
  const lines = await page.evaluate((o) => globalThis.__clipq.profile(o), {
    model,
    batch: Number(batch),
    repeats: Number(repeats),
  });
  console.log(lines.join('\n'));
} finally {
  await close();
}
