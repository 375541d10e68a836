#!/usr/bin/env node
// Web console benchmark: the built bundle's sizes (raw and gzip) and its load times in headless Chromium
// against the BUILT server on the `bbk demo` catalog (production mode, loopback). Not a test: it prints figures,
// recorded in docs/CONSOLE.md.
//
//   pnpm build && node bench/console.mjs [--runs 5]
//
// Needs /usr/bin/chromium (BBK_CHROMIUM overrides). Each run is a fresh browser profile (a cold cache).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const chromiumPath = process.env.BBK_CHROMIUM ?? '/usr/bin/chromium';
const dist = new URL('packages/console/dist/assets/', root);

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('Console bundle (packages/console/dist/assets)');
for (const name of readdirSync(dist).sort()) {
  const bytes = readFileSync(new URL(name, dist));
  console.log(`  ${name.padEnd(28)} ${kb(bytes.length).padStart(10)}  gzip ${kb(gzipSync(bytes).length).padStart(9)}`);
}

if (!existsSync(chromiumPath)) {
  console.log(`no Chromium at ${chromiumPath}: load times skipped (apt-get install -y chromium)`);
  process.exit(0);
}
const { startServer } = await import(new URL('packages/server/dist/index.js', root).href);
const { setUpDemo } = await import(new URL('packages/cli/dist/commands/demo/setup.js', root).href);
const { chromium } = createRequire(new URL('package.json', root))('playwright-core');

const dataDir = mkdtempSync(join(tmpdir(), 'bbk-bench-console-'));
const server = await startServer(
  { mode: 'production', dataDir, coordinatorPort: 0, contributorPort: 0, consumerPort: 0 },
  {},
);
const demo = await setUpDemo({ urls: server.urls, coordinatorToken: server.bootstrapToken });
const token = demo.consumers.find((c) => c.policy.id === 'everything').token;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];

async function measure(url, ready) {
  const profile = mkdtempSync(join(tmpdir(), 'bbk-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: ARGS,
    headless: true,
    viewport: { width: 1360, height: 860 },
  });
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(url);
    await ready(page);
    return performance.now() - t0;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

let placedNote = '';
const journeys = [
  ['sign-in page, cold cache', server.urls.console, (p) => p.getByRole('button', { name: 'Sign in' }).waitFor()],
  [
    'explorer: entity types listed',
    `${server.urls.console}#/explore?token=${encodeURIComponent(token)}`,
    (p) => p.getByTestId('entity-types').getByRole('button').first().waitFor(),
  ],
  [
    'map: chunk loaded, outline drawn',
    `${server.urls.console}#/map?token=${encodeURIComponent(token)}`,
    (p) => p.locator('.leaflet-container canvas').first().waitFor(),
  ],
  [
    'map: every record placed (lists with fields)',
    `${server.urls.console}#/map?token=${encodeURIComponent(token)}`,
    async (p) => {
      const status = p.getByText(/^\d+ of \d+ records have a location$/);
      await status.waitFor({ timeout: 300_000 });
      placedNote = (await status.textContent()) ?? '';
    },
  ],
];
console.log(`\nLoad times, median of ${runs} runs (ms, from navigation to the screen being usable)`);
try {
  for (const [label, url, ready] of journeys) {
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await measure(url, ready));
    times.sort((a, b) => a - b);
    const note = label.startsWith('map: every') ? `  (${placedNote})` : '';
    console.log(`  ${label.padEnd(46)} ${String(Math.round(times[Math.floor(times.length / 2)])).padStart(6)}${note}`);
  }
} finally {
  await demo.webhook.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
