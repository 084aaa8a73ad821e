/**
 * Runs the in-page suites (harness/page/tests.ts) in headless Chromium, one vitest test per in-page
 * case: one page on WebGL2 (webgl, both paths, and wasm), one page on a real WebGL1 context. Without Chromium the file prints one SKIPPED line and skips, except with CI=true, where the
 * harness throws so that a missing browser fails the run.
 */
import { afterAll, describe, it } from 'vitest';
// @ts-expect-error: the harness is plain JavaScript shared with bench/runners/webgl.mjs.
import { browserSkipReason, openPage } from '../harness/browser.mjs';

interface PageCaseInfo {
  suite: string;
  name: string;
}
interface PageResult {
  ok: boolean;
  error?: string;
  ms: number;
}

const skipReason: string | null = browserSkipReason();

if (skipReason) {
  console.log(`SKIPPED browser tests: ${skipReason}`);
  describe('browser tests', () => {
    it.skip(`skipped: ${skipReason}`, () => {});
  });
} else {
  for (const { label, query } of [
    { label: 'WebGL2', query: '' },
    { label: 'WebGL1', query: '?webgl=1' },
  ]) {
    const { page, close } = await openPage('tests', { query });
    afterAll(close);
    const cases: PageCaseInfo[] = await page.evaluate(() => globalThis.__clipq.cases);
    const suites = [...new Set(cases.map((c) => c.suite))];
    describe(label, () => {
      for (const suite of suites) {
        describe(suite, () => {
          cases.forEach((c, index) => {
            if (c.suite !== suite) return;
            it(c.name, async () => {
              const result: PageResult = await page.evaluate(
                (i: number) => globalThis.__clipq.run(i),
                index,
              );
              if (!result.ok) throw new Error(result.error);
            });
          });
        });
      }
    });
  }
}
