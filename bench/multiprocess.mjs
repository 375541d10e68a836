#!/usr/bin/env node
// Several processes, one PostgreSQL database: entity-detail requests/s of one bbk process against
// two processes on the same schema (issue 10's target: two serve ≥ 1.6× one). The BUILT server runs
// in child processes (development mode, as bench/consumer.mjs); the catalog is loaded through the
// Contributor API; the load generator is autocannon in this process, on the same machine: against
// one process it opens --connections connections, against two it runs two autocannon instances at
// once with half the connections each, one per process (client-side spreading, like a proxy's round
// robin without the proxy's own CPU). Rounds alternate one, two, one, two… so a change of the
// machine's load hits both alike. Prints throughput, latency percentiles and server CPU per request.
//
//   pnpm build && BBK_BENCH_DATABASE_URL=postgres://bbk:bbk@127.0.0.1:5432/postgres \
//     node bench/multiprocess.mjs [--records 20000] [--duration 10] [--connections 32] [--rounds 2]
//     (or --database postgres://…, as the other benchmarks take it)
//
// Without --database: BBK_BENCH_DATABASE_URL, else BBK_DATABASE_URL, else BBK_TEST_DATABASE_URL. The bench makes a schema of
// its own and drops it at the end. Not a test: it prints numbers (bench/README.md).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { countryRecord, cpuSeconds, exampleCountries, rng, serverDist } from './lib.mjs';

const root = new URL('..', import.meta.url);
const requireFromRoot = createRequire(new URL('package.json', root));
const requireFromServer = createRequire(new URL('packages/server/package.json', root));
const sha1 = (s) => createHash('sha1').update(s).digest('hex');

/** Child mode: the built server on the schema, URLs on the first line, stops when stdin ends. */
async function serve() {
  const { startServer } = await import(new URL('index.js', serverDist).href);
  const server = await startServer(
    {
      mode: 'development',
      dataDir: process.argv[3],
      database: process.env.BBK_DATABASE_URL,
      databaseSchema: process.env.BBK_DATABASE_SCHEMA,
      coordinatorPort: 0,
      contributorPort: 0,
      consumerPort: 0,
      logLevel: 'silent',
      console: false,
    },
    {},
  );
  process.stdout.write(`${JSON.stringify(server.urls)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close().then(() => process.exit(0)));
}

async function startProcess(url, schema, dir) {
  const child = spawn(process.execPath, [new URL(import.meta.url).pathname, '--server', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, BBK_DATABASE_URL: url, BBK_DATABASE_SCHEMA: schema },
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  const stop = () => {
    child.stdin.end();
    return exited;
  };
  return { child, urls: JSON.parse(line), stop };
}

async function send(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 200)}`);
  return { res, text };
}

/** Entity type, live connector, `n` country records (one stream session), policy `bench`; the public ids. */
async function loadCatalog(urls, n) {
  const base = exampleCountries();
  if (!base) throw new Error('example data not found: examples/countries/data/country.json');
  await send('POST', `${urls.coordinator}/entity/country`, { name: 'Country', description: 'Countries' });
  const created = JSON.parse(
    (await send('POST', `${urls.coordinator}/entity/country/connector/bench`, { name: 'Bench', description: 'b' }))
      .text,
  );
  await send('POST', `${urls.coordinator}/entity/country/connector/bench/live`);
  await send('POST', `${urls.coordinator}/policy/bench`, {
    name: 'Bench',
    description: 'all countries',
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'country' }, field_masks: [] },
      legal_context: [],
    },
  });
  const cid = created.id;
  const sid = (await send('GET', `${urls.contributor}/connector/${cid}/session/open/stream`)).text.replace(/"/g, '');
  const random = rng(7);
  const ids = [];
  for (let from = 0; from < n; from += 250) {
    const batch = Array.from({ length: Math.min(250, n - from) }, (_, k) => countryRecord(base, from + k, random));
    for (const r of batch) ids.push(sha1(`${cid}:${r.id}`));
    await send('POST', `${urls.contributor}/connector/${cid}/session/${sid}/upsert`, batch);
  }
  await send('GET', `${urls.contributor}/connector/${cid}/session/${sid}/close/true`);
  return ids;
}

/** autocannon on one consumer URL: `connections` connections for `duration` s over random detail paths. */
function load(autocannon, consumer, ids, connections, duration, seed) {
  const random = rng(seed);
  const path = new URL(consumer).pathname;
  return autocannon({
    url: consumer,
    connections,
    duration,
    headers: { 'x-bbk-audience': 'bench' },
    requests: [
      { setupRequest: (req) => ({ ...req, path: `${path}/entity/country/${ids[Math.floor(random() * ids.length)]}` }) },
    ],
  });
}

/** One measured round against the given processes, connections split evenly between them. */
async function round(autocannon, procs, ids, options) {
  const per = Math.max(1, Math.floor(options.connections / procs.length));
  const cpu = procs.map((p) => cpuSeconds(p.child.pid));
  const results = await Promise.all(
    procs.map((p, i) => load(autocannon, p.urls.consumer, ids, per, options.duration, 11 + i)),
  );
  const total = results.reduce((s, r) => s + r.requests.total, 0);
  const bad = results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0);
  if (bad > 0) throw new Error(`detail load: ${bad} failed requests`);
  const cpuUs = (procs.reduce((s, p, i) => s + cpuSeconds(p.child.pid) - cpu[i], 0) / total) * 1e6;
  const weighted = (pick) => results.reduce((s, r) => s + pick(r) * r.requests.total, 0) / total;
  return {
    rps: total / options.duration,
    p50: weighted((r) => r.latency.p50),
    p90: weighted((r) => r.latency.p90),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    cpuUs,
    load: loadavg()[0],
  };
}

async function main(options) {
  const url =
    options.database ??
    process.env.BBK_BENCH_DATABASE_URL ??
    process.env.BBK_DATABASE_URL ??
    process.env.BBK_TEST_DATABASE_URL;
  if (!url) throw new Error('give --database postgres://user:pass@host:port/db (PostGIS required)');
  const pg = requireFromServer('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const schema = `bbk_bench_mp_${process.pid}`;
  await admin.query(`CREATE SCHEMA ${schema}`);
  const dirs = [mkdtempSync(join(tmpdir(), 'bbk-mp-')), mkdtempSync(join(tmpdir(), 'bbk-mp-'))];
  const procs = [];
  try {
    procs.push(await startProcess(url, schema, dirs[0]));
    procs.push(await startProcess(url, schema, dirs[1]));
    const t0 = performance.now();
    const ids = await loadCatalog(procs[0].urls, options.records);
    console.log(`loaded ${options.records} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const autocannon = requireFromRoot('autocannon');
    await round(autocannon, procs, ids, { ...options, duration: 2 }); // warm both processes
    console.log(
      `entity detail, ${options.connections} connections, ${options.duration} s per round, ${cpus().length} CPUs, ` +
        'load generator (autocannon) in this process\n' +
        'processes  round  req/s     p50 ms  p90 ms  p99 ms  server CPU µs/req  load avg',
    );
    const sums = { 1: 0, 2: 0 };
    for (let r = 1; r <= options.rounds; r++) {
      for (const n of [1, 2]) {
        const m = await round(autocannon, procs.slice(0, n), ids, options);
        sums[n] += m.rps;
        console.log(
          `${String(n).padEnd(11)}${String(r).padEnd(7)}${m.rps.toFixed(0).padEnd(10)}${m.p50.toFixed(1).padEnd(8)}` +
            `${m.p90.toFixed(1).padEnd(8)}${String(m.p99).padEnd(8)}${m.cpuUs.toFixed(0).padEnd(19)}${m.load.toFixed(1)}`,
        );
      }
    }
    console.log(`two processes / one: ${(sums[2] / sums[1]).toFixed(2)}× (mean req/s over ${options.rounds} rounds)`);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') await serve();
else {
  const { values } = parseArgs({
    options: {
      records: { type: 'string', default: '20000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      rounds: { type: 'string', default: '2' },
      database: { type: 'string' },
    },
  });
  await main({
    records: Number(values.records),
    duration: Number(values.duration),
    connections: Number(values.connections),
    rounds: Number(values.rounds),
    database: values.database,
  });
}
