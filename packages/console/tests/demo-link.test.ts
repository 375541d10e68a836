import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, launchBrowser, type TestBrowser } from './browser.js';

const CLI = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));

// `bbk demo` (the built CLI, a real process, human output) prints a link to the console's explorer as one of
// its consumers; the link, followed in Chromium, lands signed in on the explorer.
describe.skipIf(!HAS_CHROMIUM)('console: the link bbk demo prints', () => {
  let child: ChildProcess;
  let printed = '';
  let home: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'bbk-demo-link-'));
    child = spawn(
      process.execPath,
      [CLI, 'demo', '--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: home, BBK_CONFIG: join(home, 'bbk.json'), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    // the ready text ends with the consumers' sample queries; the explorer link comes before them
    printed = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk) => {
        out += chunk;
        if (/Open the data explorer[^\n]*:\n\s+\S+\n/.test(out)) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`bbk demo exited early (${code}): ${stderr}`)));
    });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('opens straight into the explorer, signed in as the consumer it names', async () => {
    const [, who, link] = /Open the data explorer as ([^\n]*):\n\s+(\S+)\n/.exec(printed) ?? [];
    expect(who).toMatch(/\(policy "everything"\)$/);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console\/#\/explore\?token=/);
    const page = await browser.page();
    await page.goto(link ?? '');
    await page.getByTestId('entity-types').getByRole('button').first().waitFor();
    expect(await page.locator('header .who').textContent()).toBe('Consumer');
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Explorer' }).getAttribute('class')).toBe(
      'active',
    );
    expect(page.url()).toMatch(/\/console\/#\/explore$/);
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    const types = await page.getByTestId('entity-types').getByRole('button').allTextContents();
    expect(types.length).toBeGreaterThanOrEqual(2);
    expect(browser.errors).toEqual([]);
  });
});
