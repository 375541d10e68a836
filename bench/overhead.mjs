#!/usr/bin/env node
// Entity-detail throughput in production mode (consumer token, rate/quota on, usage, audit and token
// last-use counted), with and without request logging (info, to a file) and metrics, and against a
// baseline build, interleaved in rounds so every variant meets the same machine load.
//
//   pnpm build && node bench/overhead.mjs [--baseline <built checkout dir>] [--rounds 3] [--duration 8] [--connections 16]
//
// Each variant is a server process of its own (this checkout's build, or the baseline's) on a fresh data
// directory with one live connector, one record and one consumer access. Not a test: it prints a table.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSeconds } from './lib.mjs';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const autocannon = createRequire(join(rootDir, 'package.json'))('autocannon');

/** The server under test: argv = --server <dist> <dataDir> <json options>. */
async function serverMain() {
  const { startServer } = await import(pathToFileURL(join(process.argv[3], 'index.js')).href);
  const server = await startServer({
    mode: 'production',
    dataDir: process.argv[4],
    coordinatorPort: 0,
    contributorPort: 0,
    consumerPort: 0,
    ...JSON.parse(process.argv[5]),
  });
  process.stdout.write(`${JSON.stringify({ urls: server.urls, token: server.bootstrapToken })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close().then(() => process.exit(0)));
}

async function startChild(dist, dir, options) {
  // Node options for the servers, e.g. BBK_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BBK_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, fileURLToPath(import.meta.url), '--server', dist, dir, JSON.stringify(options)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise((ok, fail) => {
    createInterface({ input: child.stdout }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  return { child, ...JSON.parse(line) };
}

async function call(base, token, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-bbk-auth-token': token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text; // a token as bare text
  }
}

/** One live connector with one record, a policy and a consumer access; returns the consumer token and the record path. */
async function seed({ urls, token }) {
  const c = urls.coordinator;
  await call(c, token, 'POST', '/entity/country', { name: 'Country', description: 'bench' });
  const created = await call(c, token, 'POST', '/entity/country/connector/bench', {
    name: 'Bench',
    description: 'bench',
  });
  await call(c, token, 'POST', '/entity/country/connector/bench/live');
  const k = urls.contributor;
  const sid = await call(k, created.token, 'GET', `/connector/${created.id}/session/open/stream`);
  const report = await call(k, created.token, 'POST', `/connector/${created.id}/session/${sid}/upsert`, [
    { id: 'GB', name: 'United Kingdom', entity: { capital: 'London', population: 67_000_000 } },
  ]);
  await call(k, created.token, 'GET', `/connector/${created.id}/session/${sid}/close/true`);
  await call(c, token, 'POST', '/policy/bench', {
    name: 'Bench',
    description: 'bench',
    policy: {
      access_control: { enabled: true, rate: 1_000_000, quota: { max_number: 1_000_000_000, interval_type: 'day' } },
      data_segment: { segment_query: { type: 'country' }, field_masks: [] },
      legal_context: [{ type: 'attribution', text: 'bench', link: null }],
    },
  });
  // the first user after the bootstrap coordinator (user 1) is user 2
  await call(c, token, 'POST', '/user', { name: 'B', email: 'b@example.com', organization: 'B' });
  const consumerToken = await call(c, token, 'POST', '/user/2/access/bench');
  return {
    consumerToken: typeof consumerToken === 'string' ? consumerToken : consumerToken.token,
    path: `/entity/country/${report.GB}`,
  };
}

async function measure(variant, options) {
  const cpu0 = cpuSeconds(variant.child.pid);
  const result = await autocannon({
    url: `${variant.urls.consumer}${variant.path}`,
    headers: { 'x-bbk-auth-token': variant.consumerToken },
    connections: options.connections,
    duration: options.duration,
  });
  const cpu = cpuSeconds(variant.child.pid) - cpu0;
  const bad = result.non2xx + result.errors;
  if (bad > 0) throw new Error(`${variant.name}: ${bad} failed requests`);
  return { rps: result.requests.average, cpuUs: (cpu / result.requests.total) * 1e6 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '16' },
    },
  });
  const options = { duration: Number(values.duration), connections: Number(values.connections) };
  const here = join(rootDir, 'packages/server/dist');
  const scratch = mkdtempSync(join(tmpdir(), 'bbk-overhead-'));
  const variants = [
    { name: 'this build, logging off, metrics off', dist: here, options: { logLevel: 'silent' } },
    {
      name: 'this build, logging info to a file, metrics on',
      dist: here,
      options: { logLevel: 'info', logFile: join(scratch, 'requests.log'), metricsPort: 0 },
    },
  ];
  if (values.baseline)
    variants.push({
      name: `baseline ${values.baseline}, logging off`,
      dist: resolve(values.baseline, 'packages/server/dist'),
      options: { logLevel: 'silent' },
    });
  try {
    for (const [i, v] of variants.entries()) {
      const dir = join(scratch, `v${i}`);
      Object.assign(v, await startChild(v.dist, dir, v.options));
      Object.assign(v, await seed(v));
      await measure(v, { ...options, duration: 2 }); // warm-up
      v.runs = [];
    }
    for (let r = 0; r < Number(values.rounds); r++) {
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) v.runs.push(await measure(v, options));
    }
    console.log(
      `entity detail, ${options.connections} clients, ${values.rounds} rounds of ${options.duration} s (medians)`,
    );
    console.log('| variant | req/s | server CPU per request |');
    console.log('| --- | ---: | ---: |');
    for (const v of variants)
      console.log(
        `| ${v.name} | ${Math.round(median(v.runs.map((x) => x.rps)))} | ${Math.round(median(v.runs.map((x) => x.cpuUs)))} µs |`,
      );
  } finally {
    // each server closes when its stdin ends; wait for it (a CPU profile is written at exit)
    await Promise.all(
      variants.map((v) =>
        v.child && v.child.exitCode === null
          ? new Promise((ok) => {
              v.child.once('exit', ok);
              v.child.stdin.end();
            })
          : null,
      ),
    );
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') await serverMain();
else await main();
