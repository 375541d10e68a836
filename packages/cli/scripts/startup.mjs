#!/usr/bin/env node
// Start-up time of the built `bbk` (docs/CLI.md, "Start-up time"): the wall time of the whole process, spawn to
// exit, for `node -e 0` (the floor), `bbk --help`, `bbk user list --json` / `bbk catalog types --json` and the
// table of `bbk user list` against a development server started in this process on free loopback ports. Two warm-up
// runs, then `--runs` runs (default 15) each; prints the median and the minimum. This build is the bundle
// (dist/bundle/cli.js, scripts/build-cli.mjs); `--cli PATH` (repeatable) measures other builds too (e.g. an older
// checkout's unbundled `dist/cli.js`), their runs interleaved with this one's so that all see the same load.
// Usage: pnpm build && node packages/cli/scripts/startup.mjs [--runs N] [--cli OTHER/packages/cli/dist/cli.js]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startServer } from '@bbk/server';

const cli = fileURLToPath(new URL('../dist/bundle/cli.js', import.meta.url));
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 15;
const clis = [cli, ...process.argv.flatMap((arg, i) => (arg === '--cli' ? [process.argv[i + 1]] : []))];

const dataDir = mkdtempSync(join(tmpdir(), 'bbk-startup-'));
const home = mkdtempSync(join(tmpdir(), 'bbk-startup-home-'));
const server = await startServer({
  mode: 'development',
  dataDir,
  coordinatorPort: 0,
  contributorPort: 0,
  consumerPort: 0,
});
// A policy for the consumer command to read through.
const created = await fetch(`${server.urls.coordinator}/policy/everything`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    name: 'Everything',
    description: 'All records',
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'country' } },
      legal_context: [],
    },
  }),
});
if (!created.ok) throw new Error(`policy: ${created.status} ${await created.text()}`);
const env = { PATH: process.env.PATH ?? '', HOME: home, BBK_CONFIG: join(home, 'bbk.json'), NO_COLOR: '1' };
const urls = ['--coordinator-url', server.urls.coordinator, '--consumer-url', server.urls.consumer];

/** One run, asynchronously so that the server in this process keeps answering. */
function once(argv) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}`));
      else resolve(performance.now() - t0);
    });
  });
}

/** Runs each variant of a command in turn, `runs` times, and prints one line per variant. */
async function measure(label, variants) {
  for (const argv of variants) for (let i = 0; i < 2; i++) await once(argv);
  const times = variants.map(() => []);
  for (let i = 0; i < runs; i++) for (const [v, argv] of variants.entries()) times[v].push(await once(argv));
  for (const [v, list] of times.entries()) {
    list.sort((a, b) => a - b);
    const median = list[Math.floor(list.length / 2)];
    const name = variants.length > 1 ? `${label} [${v === 0 ? 'this build' : clis[v]}]` : label;
    console.log(
      `${name.padEnd(36)} median ${median.toFixed(0).padStart(5)} ms   min ${list[0].toFixed(0).padStart(5)} ms`,
    );
  }
}

const each = (args) => clis.map((path) => [path, ...args]);

try {
  await measure('node -e 0 (floor)', [['-e', '0']]);
  await measure('bbk --help', each(['--help']));
  await measure('bbk user list --json', each(['user', 'list', '--json', ...urls]));
  await measure('bbk catalog types --json', each(['catalog', 'types', '--json', '--audience', 'everything', ...urls]));
  await measure('bbk user list (table)', each(['user', 'list', ...urls]));
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}
