/**
 * Opens an HTML report in Debian's headless Chromium (playwright-core, no browser download): collects
 * console errors and any request that leaves the file, counts the SVGs, takes a screenshot. Without
 * Chromium it prints why and skips, except under CI=true, where it fails.
 */
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export interface ReportCheck {
  skipped: boolean;
  consoleErrors: string[];
  externalRequests: string[];
  svgCount: number;
  screenshotBytes: number;
}

export async function checkReportInChromium(
  file: string,
  screenshot: string,
): Promise<ReportCheck> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    const reason = `Chromium not found at ${executablePath}; install with apt-get install -y chromium (or set CHROMIUM_PATH)`;
    if (process.env.CI === 'true') throw new Error(reason);
    console.log(`SKIPPED report screenshot: ${reason}`);
    return {
      skipped: true,
      consoleErrors: [],
      externalRequests: [],
      svgCount: 0,
      screenshotBytes: 0,
    };
  }
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const consoleErrors: string[] = [];
    const externalRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const url = pathToFileURL(file).href;
    page.on('request', (request) => {
      if (request.url() !== url && !request.url().startsWith('data:'))
        externalRequests.push(request.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const svgCount = await page.locator('svg').count();
    await page.screenshot({ path: screenshot, fullPage: true });
    return {
      skipped: false,
      consoleErrors,
      externalRequests,
      svgCount,
      screenshotBytes: statSync(screenshot).size,
    };
  } finally {
    await browser.close();
  }
}
