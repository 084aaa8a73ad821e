/** The browser harness's Chromium lookup: a missing browser skips with a reason, or fails under CI. */
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: the harness is plain JavaScript shared with bench/runners/webgl.mjs.
import { browserSkipReason, chromiumPath } from '../harness/browser.mjs';

const saved = { path: process.env.CHROMIUM_PATH, ci: process.env.CI };

afterEach(() => {
  for (const [key, value] of [
    ['CHROMIUM_PATH', saved.path],
    ['CI', saved.ci],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('browser harness', () => {
  it('reads CHROMIUM_PATH, defaulting to /usr/bin/chromium', () => {
    delete process.env.CHROMIUM_PATH;
    expect(chromiumPath()).toBe('/usr/bin/chromium');
    process.env.CHROMIUM_PATH = '/opt/chrome';
    expect(chromiumPath()).toBe('/opt/chrome');
  });

  it('skips with an install hint when Chromium is missing outside CI', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    process.env.CI = 'false';
    expect(browserSkipReason()).toBe(
      'Chromium not found at /nonexistent/chromium; install with apt-get install -y chromium (or set CHROMIUM_PATH)',
    );
  });

  it('fails when Chromium is missing and CI=true', () => {
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    process.env.CI = 'true';
    expect(() => browserSkipReason()).toThrow(/CI=true.*Chromium not found/);
  });
});
