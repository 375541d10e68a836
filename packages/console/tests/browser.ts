// Browser test harness: one headless Chromium (playwright-core, the Debian `chromium` binary) per test
// file, a fresh profile, and a record of every console error and page error, which fail the test.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Where Chromium is looked for (`BBK_CHROMIUM` overrides). */
export const CHROMIUM = process.env.BBK_CHROMIUM ?? '/usr/bin/chromium';
/** Whether the browser tests can run here. */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM)
  console.log(`browser tests skipped: no Chromium at ${CHROMIUM} (enable them with: apt-get install -y chromium)`);

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The browser's own log line for an HTTP error answer. The console shows the server's 4xx answers on its
 * forms (that is what the journeys check), and Chromium logs each such fetch as a console "error" that
 * the page's code did not write; these lines alone are not counted as console errors.
 */
const HTTP_ANSWER = /^Failed to load resource: the server responded with a status of 4\d\d/;

/** A browser with a fresh profile, and the errors its pages reported. */
export interface TestBrowser {
  context: BrowserContext;
  errors: string[];
  page(): Promise<Page>;
  /** Saves a screenshot as `console-<name>.png` in BBK_SCREENSHOTS (default: a temporary directory). */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'bbk-chromium-'));
  const shots = process.env.BBK_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'bbk-shots-'));
  mkdirSync(shots, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport: { width: 1360, height: 860 },
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !HTTP_ANSWER.test(msg.text())) errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  };
  context.on('page', watch);
  return {
    context,
    errors,
    async page() {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(shots, `console-${name}.png`) });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      if (!process.env.BBK_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
    },
  };
}
