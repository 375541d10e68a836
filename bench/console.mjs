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

// The map's reads without a browser (the SDK over loopback, this process): a whole query's records with their
// locations through the lists' `fields`, against one detail read per record (how the map placed them before).
const { ConsumerClient } = await import(new URL('packages/sdk/dist/index.js', root).href);
const api = new ConsumerClient({ baseUrl: server.urls.consumer, token });
const mapQuery = { type: { $in: ['country', 'heritage-site'] } };
const timed = async (fn) => {
  const t0 = performance.now();
  const n = await fn();
  return { ms: performance.now() - t0, n };
};
const listed = async (fields) => {
  let n = 0;
  for await (const page of api.catalogPages(mapQuery, fields ? { fields } : {})) n += page.length;
  return n;
};
const details = async () => {
  const items = [];
  for await (const page of api.catalogPages(mapQuery)) items.push(...page);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await api.entity(item.type, item.id);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return items.length;
};
console.log('\nThe map query through the SDK (ms, median of 3)');
for (const [label, fn] of [
  ['list, pages of 250', () => listed()],
  ['list with fields=entity.location', () => listed(['entity.location'])],
  ['list, then a detail read per record (6 at a time)', details],
]) {
  const runs3 = [];
  for (let i = 0; i < 3; i++) runs3.push(await timed(fn));
  runs3.sort((a, b) => a.ms - b.ms);
  console.log(`  ${label.padEnd(52)} ${String(Math.round(runs3[1].ms)).padStart(6)}  (${runs3[1].n} records)`);
}
await api.close();

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
