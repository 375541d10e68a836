#!/usr/bin/env node
// What logging, metrics and audit cost on entity-detail throughput in production mode (consumer token,
// rate and quota on; or `--mode development`, the consumer benchmark's own: the policy named by `x-bbk-audience`):
// every part off (the baseline), each part alone, all together, and optionally a baseline build of another
// checkout, interleaved in rounds so every variant meets the same machine load.
//
//   pnpm build && node bench/overhead.mjs [--baseline <built checkout dir>] [--rounds 3] [--duration 8] [--connections 16]
//     [--only logging,metrics,audit,all,before-off,before-all]   (the reference, `off`, always runs)
//     [--reference parts-off|all-off]   (parts-off, the default: the issue's three parts off in the reference, and
//                                        per-access usage, the detectors and token last use on in every variant;
//                                        all-off, the reference of stops 29-35: those counted as part of audit)
//     [--pin]   (servers on CPU 0, this load generator on CPU 1: less noise on a 2-core machine)
//     [--profile]   (also: each part's share of the server's busy time, from CPU profiles of the measured windows)
//     [--keep-profiles DIR]   (with --profile: keeps each measured window's profile in DIR, named
//                              <variant>.<replica>-<round>-<requests>.cpuprofile, for a function-by-function comparison)
//     [--replicas 2]   (server processes per variant: a process's own speed varies with JIT and memory layout)
//     [--together]   (each round loads every server at once, so the machine's noise falls on all alike)
//     [--warmup 2]   (seconds of load per server before the rounds)
//     [--database postgres://…]   (the PostgreSQL engine, a fresh schema per server; also BBK_DATABASE_URL)
//     [--mode development]   (the consumer benchmark's mode: no tokens, the policy by `x-bbk-audience`; usage,
//                             detectors and token last use count accesses, which development has none of)
//     [--catalog N]   (the consumer benchmark's shape: N generated country records, a field mask, 5,000 of them
//                      asked for in turn; default: one small record, the least work per entity detail)
//     [--instructions]   (counts instead of times: every server, once seeded, runs again under valgrind's callgrind,
//                         and each round gives its instructions per request; give it minutes of --warmup and
//                         --duration, it runs about 50 times slower; needs valgrind)
//     [--functions N]   (with --instructions: the N functions whose own instructions per request differ most
//                        between all on and all off, JIT-compiled JavaScript named through node's --perf-basic-prof)
//
// The parts: logging = the request log at `info` to a file; metrics = the Prometheus listener on (scraped
// after every run); audit = the audit trail's per-minute consumer activity (`auditActivity`, on by default), and
// with `--reference all-off` also what the issue lists under usage and violations and token lifetimes: per-access
// usage, the violation detectors, token last use (`consumerAccounting`, on by default). Each variant is a server
// process of its own on a fresh data directory with one live connector, one record (or --catalog N) and one
// consumer access. Not a test: it prints a table (bench/README.md#observability-overhead), each overhead with its
// 95% bootstrap interval over processes and rounds. One after the other (the default) is the consumer benchmark's
// condition: one server with a core to itself. `--together` time-shares CPU 0 between all the servers, which
// steadies the machine's noise but makes cache-bound work (the parts measured here) cost more (bench/README.md).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { callgrindCommand, dumpCounts, removeJitMap, requireCallgrind, selfCosts, zeroCounts } from './callgrind.mjs';
import { benchSchema, countryRecord, cpuTimes, exampleCountries, median, overheadWithInterval, rng } from './lib.mjs';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const autocannon = createRequire(join(rootDir, 'package.json'))('autocannon');

/**
 * The server under test: argv = --server <dist> <dataDir> <json options>. It stops when its stdin ends; the
 * stdin lines `profile` and `stop <file>` start and stop a CPU profile of its main thread (`--profile`).
 */
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
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((ok, fail) => session.post(method, params, (err, res) => (err ? fail(err) : ok(res))));
  createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'profile') {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 }); // µs
      await post('Profiler.start');
      process.stdout.write('profiling\n');
    } else if (line.startsWith('stop ')) {
      const { profile } = await post('Profiler.stop');
      writeFileSync(line.slice(5), JSON.stringify(profile));
      process.stdout.write('profiled\n');
    }
  });
  process.stdin.on('end', () => server.close().then(() => process.exit(0)));
}

/**
 * Starts a server process; `runner`: how node is run (default: node itself, or the program in BBK_BENCH_RUNNER,
 * called with node's arguments; `--instructions`: under callgrind).
 */
async function startChild(dist, dir, options, runner = [process.env.BBK_BENCH_RUNNER || process.execPath]) {
  // Node options for the servers, e.g. BBK_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
  const nodeArgs = (process.env.BBK_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    runner[0],
    [...runner.slice(1), ...nodeArgs, fileURLToPath(import.meta.url), '--server', dist, dir, JSON.stringify(options)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise((ok, fail) => {
    lines.once('line', ok);
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
  /** Sends a command line and waits for the server's one-line reply. */
  const command = (text) =>
    new Promise((ok) => {
      lines.once('line', ok);
      child.stdin.write(`${text}\n`);
    });
  return { child, command, ...JSON.parse(line) };
}

async function call(base, token, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { 'x-bbk-auth-token': token } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
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

/**
 * One live connector, a policy and a consumer access; returns the consumer token and the record paths the load
 * asks for. By default one small record (the worst case for the ratio: the least work per entity detail);
 * with `catalog` (`--catalog N`), the consumer benchmark's shape: N generated country records (bench/lib.mjs
 * `countryRecord`, contributed through the Contributor API), a field mask and a legal notice, and the load spread
 * over 5,000 of them picked at random.
 */
async function seed({ urls, token }, catalog = 0) {
  const c = urls.coordinator;
  await call(c, token, 'POST', '/entity/country', { name: 'Country', description: 'bench' });
  const created = await call(c, token, 'POST', '/entity/country/connector/bench', {
    name: 'Bench',
    description: 'bench',
  });
  await call(c, token, 'POST', '/entity/country/connector/bench/live');
  const k = urls.contributor;
  const sid = await call(k, created.token, 'GET', `/connector/${created.id}/session/open/stream`);
  const upsert = (records) => call(k, created.token, 'POST', `/connector/${created.id}/session/${sid}/upsert`, records);
  const paths = [];
  if (catalog > 0) {
    const countries = exampleCountries();
    if (!countries) throw new Error('--catalog: example data not found (examples/countries/data/country.json)');
    const random = rng(42);
    const publicIds = [];
    for (let i = 0; i < catalog; i += 250) {
      const records = [];
      for (let j = i; j < Math.min(catalog, i + 250); j++) records.push(countryRecord(countries, j, random));
      const report = await upsert(records);
      for (const r of records) publicIds.push(report[r.id]);
    }
    const pick = rng(99);
    for (let i = 0; i < 5000; i++) paths.push(`/entity/country/${publicIds[Math.floor(pick() * catalog)]}`);
  } else {
    const report = await upsert([
      { id: 'GB', name: 'United Kingdom', entity: { capital: 'London', population: 67_000_000 } },
    ]);
    paths.push(`/entity/country/${report.GB}`);
  }
  await call(k, created.token, 'GET', `/connector/${created.id}/session/${sid}/close/true`);
  await call(c, token, 'POST', '/policy/bench', {
    name: 'Bench',
    description: 'bench',
    policy: {
      access_control: { enabled: true, rate: 1_000_000, quota: { max_number: 1_000_000_000, interval_type: 'day' } },
      data_segment: { segment_query: { type: 'country' }, field_masks: catalog > 0 ? ['country.instance.serial'] : [] },
      legal_context: [{ type: 'attribution', text: catalog > 0 ? 'Generated for the benchmark' : 'bench', link: null }],
    },
  });
  // the first user after the bootstrap coordinator (user 1) is user 2
  await call(c, token, 'POST', '/user', { name: 'B', email: 'b@example.com', organization: 'B' });
  const consumerToken = await call(c, token, 'POST', '/user/2/access/bench');
  return {
    consumerToken: typeof consumerToken === 'string' ? consumerToken : consumerToken.token,
    paths,
  };
}

async function measure(variant, options) {
  if (options.profile) await variant.command('profile');
  const before = cpuTimes(variant.child.pid);
  const { paths } = variant;
  const prefix = new URL(variant.urls.consumer).pathname;
  const result = await autocannon({
    url: `${variant.urls.consumer}${paths[0]}`,
    // development (--mode): the consumer benchmark's way of naming the policy
    headers:
      variant.options.mode === 'development'
        ? { 'x-bbk-audience': 'bench' }
        : { 'x-bbk-auth-token': variant.consumerToken },
    connections: options.connections,
    duration: options.duration,
    // under callgrind a request can take seconds while the JIT warms up (autocannon's default: 10 s)
    ...(options.instructions ? { timeout: 120 } : {}),
    // --catalog: each request for the next of the picked records
    ...(paths.length > 1
      ? {
          requests: [{ setupRequest: (req) => ({ ...req, path: `${prefix}${paths[variant.next++ % paths.length]}` }) }],
        }
      : {}),
  });
  const after = cpuTimes(variant.child.pid);
  const sys = after.system - before.system;
  const cpu = after.user - before.user + sys;
  const bad = result.non2xx + result.errors;
  if (bad > 0)
    throw new Error(
      `${variant.name}: ${bad} failed requests (${result.non2xx} not 2xx, ${result.errors} errors, ${result.timeouts} timeouts)`,
    );
  variant.requests += result.requests.total;
  if (options.profile) {
    const file = join(
      options.profile,
      `${variant.key}.${variant.replica}-${variant.runs?.length ?? 'warm'}.cpuprofile`,
    );
    await variant.command(`stop ${file}`);
    if (variant.runs) addShares(variant, JSON.parse(readFileSync(file, 'utf8')), result.requests.total);
    // --keep-profiles DIR: each measured window's profile, named by variant and round, with its request count
    if (options.keepProfiles && variant.runs) {
      const kept = join(
        options.keepProfiles,
        `${variant.key}.${variant.replica}-${variant.runs.length}-${result.requests.total}.cpuprofile`,
      );
      copyFileSync(file, kept);
    }
    rmSync(file);
  }
  // (--instructions: after the window's counts are dumped)
  if (variant.urls.metrics && !options.instructions) await checkScrape(variant);
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    cpuUs: (cpu / result.requests.total) * 1e6,
    sysUs: (sys / result.requests.total) * 1e6,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** A metrics variant really counted: its scrape shows the consumer's entity-detail requests. */
async function checkScrape(variant) {
  const text = await (await fetch(variant.urls.metrics)).text();
  const re =
    /^bbk_http_request_duration_seconds_count\{[^}]*api="consumer"[^}]*route="[^"]*:id"[^}]*status="200"[^}]*\} (\d+)/m;
  const counted = Number(re.exec(text)?.[1] ?? 0);
  if (counted < variant.requests)
    throw new Error(`${variant.name}: /metrics counted ${counted} of ${variant.requests}`);
}

/** A logging variant really logged: one request line per entity detail (read at the end, after close). */
function checkLog(variant) {
  const lines = readFileSync(variant.options.logFile, 'utf8').split('\n');
  const logged = lines.filter((l) => l.includes('"route":"/v1/entity/:type/:id"') && l.includes('"status":200')).length;
  if (logged < variant.requests) throw new Error(`${variant.name}: ${logged} request lines for ${variant.requests}`);
  return logged;
}

/** Where a profile frame belongs (by its function and file); the leafmost part on a sample's stack counts. */
const PARTS = {
  logging: /request-log\.js|log-buffer\.js|logRequest|loggedUrl|sonic-boom|\/pino\/|createChildLogger|logger-factory/,
  metrics: /observability\/metrics\.js|prom-client|node:internal\/perf\/observe/,
  audit:
    /activity-hook\.js|activity-monitor\.js|usage-meter\.js|activity\/detectors\/|audit\/activity\.js|services\/audit\.js|token-usage\.js/,
};

/** Adds a measured window's CPU profile to the variant's totals: busy time, and the time in each part and in GC. */
function addShares(variant, profile, requests) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  variant.shares ??= { busy: 0, gc: 0, logging: 0, metrics: 0, audit: 0, requests: 0 };
  const t = variant.shares;
  t.requests += requests;
  profile.samples.forEach((id, i) => {
    const d = profile.timeDeltas[i] ?? 0;
    const name = nodes.get(id).callFrame.functionName;
    if (name === '(idle)') return;
    t.busy += d;
    if (name === '(garbage collector)') t.gc += d;
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = nodes.get(at).callFrame;
      const part = Object.keys(PARTS).find((k) => PARTS[k].test(`${functionName} ${url}`));
      if (part) {
        t[part] += d;
        return;
      }
    }
  });
}

function printShares(variants) {
  console.log("\nshare of the server main thread's busy time (CPU profiles of the measured windows, all rounds)");
  console.log('| variant | main thread busy per request | logging | metrics | audit | together | garbage collector |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const pct = (x, t) => `${((100 * x) / t.busy).toFixed(1)}%`;
  for (const { name, shares: t } of variants) {
    const together = t.logging + t.metrics + t.audit;
    console.log(
      `| ${name} | ${Math.round(t.busy / t.requests)} µs | ${pct(t.logging, t)} | ${pct(t.metrics, t)} | ${pct(t.audit, t)} | ${pct(together, t)} | ${pct(t.gc, t)} |`,
    );
  }
}

/** Sets the CPU affinity of every thread of a process (`taskset`, from util-linux). */
function pin(pid, cpu) {
  const r = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`--pin: taskset failed for ${pid} (is util-linux installed?)`);
}

/**
 * The variants: every part off (`off`, the reference), each alone (`logging`, `metrics`, `audit`), all on
 * (`all`), and with `--baseline`, that build with logging and metrics off (`before-off`) and on (`before-all`).
 * `only` (comma-separated keys) keeps some; `off` is always kept.
 */
function variantsOf(here, scratch, baseline, only, replicas = 1, mode = 'production', reference = 'parts-off') {
  // parts-off: usage, the detectors and token last use are on in every variant, `audit` is the audit trail's
  // activity minutes; all-off: `audit` is all of it (`consumerAccounting`), off in the reference
  const bare = reference === 'all-off';
  const parts = (logging, metrics, audit, i) => ({
    mode,
    logLevel: logging ? 'info' : 'silent',
    ...(logging ? { logFile: join(scratch, `requests-${i}.log`) } : {}),
    ...(metrics ? { metricsPort: 0 } : {}),
    ...(bare ? { consumerAccounting: audit } : { consumerAccounting: true, auditActivity: audit }),
  });
  const list = [
    ['off', bare ? 'all off (baseline)' : 'logging + metrics + audit off (baseline)', false, false, false],
    ['logging', 'logging only', true, false, false],
    ['metrics', 'metrics only', false, true, false],
    ['audit', 'audit only', false, false, true],
    ['all', 'logging + metrics + audit', true, true, true],
  ].map(([key, name, l, m, a], i) => ({ key, name: `this build, ${name}`, dist: here, options: parts(l, m, a, i) }));
  if (baseline) {
    // an older build may not know `consumerAccounting`: its audit is always on
    const dist = resolve(baseline, 'packages/server/dist');
    list.push(
      { key: 'before-off', name: 'baseline build, logging + metrics off (audit on)', dist, options: parts(0, 0, 1, 5) },
      { key: 'before-all', name: 'baseline build, logging + metrics + audit', dist, options: parts(1, 1, 1, 6) },
    );
  }
  const keep = only ? new Set(['off', ...only.split(',')]) : undefined;
  const kept = keep ? list.filter((v) => keep.has(v.key)) : list;
  // --replicas N: N server processes per variant (a process's own speed varies: JIT and memory layout)
  const copies = kept.map((v, i) =>
    Array.from({ length: replicas }, (_, r) => ({
      ...v,
      replica: r,
      options:
        v.options.logFile && r > 0 ? { ...v.options, logFile: join(scratch, `requests-${i}-${r}.log`) } : v.options,
    })),
  );
  // Started (and seeded and warmed) in a balanced order, the variants in turn and their order reversed for every
  // other replica (A B B A): a server started later measures a few points faster, whatever its build (bench/README.md)
  return Array.from({ length: replicas }, (_, r) =>
    (r % 2 === 0 ? copies : [...copies].reverse()).map((c) => c[r]),
  ).flat();
}

/** What each server was asked: the entity details and the clients. */
function workload(values, options) {
  const records =
    Number(values.catalog) > 0
      ? `${values.catalog} generated country records, 5,000 asked for in turn`
      : 'one small record';
  return `entity detail (${records}, ${values.mode} mode), ${options.connections} clients`;
}

/**
 * A variant's overhead against the all-off servers as the table prints it: the median ratio, with its 95% bootstrap
 * interval over processes and rounds (bench/README.md#observability-overhead).
 */
function overheadText(offs, group, field, ratio) {
  const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const o = overheadWithInterval(
    offs.map((v) => v.runs),
    group.map((v) => v.runs),
    field,
    ratio,
  );
  return `${pct(o.median)} (${pct(o.low)} … ${pct(o.high)})`;
}

function printTable(variants, values, options) {
  const replicas = Number(values.replicas);
  console.log(
    `${workload(values, options)}, ${values.rounds} rounds of ${options.duration} s, ` +
      `${replicas} server process(es) per variant, medians over rounds and processes; overhead = median of the ratio ` +
      `to "${variants.find((v) => v.key === 'off').name}" in the same round (with several processes, their median in that round), ` +
      'and in brackets its 95% bootstrap interval (processes and rounds drawn again)',
  );
  console.log(
    '| variant | req/s | p50 | p99 | server CPU per request | of which in the kernel | CPU overhead | req/s overhead |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const offs = variants.filter((v) => v.key === 'off');
  for (const key of new Set(variants.map((v) => v.key))) {
    const group = variants.filter((v) => v.key === key);
    const runs = group.flatMap((v) => v.runs);
    const m = (k) => median(runs.map((x) => x[k]));
    const isBase = key === 'off';
    const cpu = isBase ? '' : overheadText(offs, group, 'cpuUs', (x, ref) => x.cpuUs / ref - 1);
    const rps = isBase ? '' : overheadText(offs, group, 'rps', (x, ref) => 1 - x.rps / ref);
    const ms = (k) => `${m(k).toFixed(1)} ms`;
    console.log(
      `| ${group[0].name} | ${Math.round(m('rps'))} | ${ms('p50')} | ${ms('p99')} | ${Math.round(m('cpuUs'))} µs | ${Math.round(m('sysUs'))} µs | ${cpu} | ${rps} |`,
    );
  }
  console.log('per round, server CPU per request (µs), by variant, with the order each process was started in:');
  const byVariant = [...new Set(variants.map((v) => v.key))].flatMap((key) => variants.filter((v) => v.key === key));
  for (const v of byVariant)
    console.log(
      `  ${v.name}${replicas > 1 ? ` #${v.replica + 1}` : ''} (started ${variants.indexOf(v) + 1}.): ${v.runs.map((x) => Math.round(x.cpuUs)).join(', ')}`,
    );
}

async function main() {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '16' },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'keep-profiles': { type: 'string' },
      pin: { type: 'boolean', default: false },
      replicas: { type: 'string', default: '1' },
      together: { type: 'boolean', default: false },
      warmup: { type: 'string', default: '2' },
      database: { type: 'string', default: process.env.BBK_DATABASE_URL },
      catalog: { type: 'string', default: '0' },
      mode: { type: 'string', default: 'production' },
      instructions: { type: 'boolean', default: false },
      functions: { type: 'string', default: '0' },
      reference: { type: 'string', default: 'parts-off' },
    },
  });
  if (values.reference !== 'parts-off' && values.reference !== 'all-off')
    throw new Error('--reference: parts-off or all-off');
  const options = { duration: Number(values.duration), connections: Number(values.connections) };
  if (values.mode !== 'production' && values.mode !== 'development')
    throw new Error('--mode: production or development');
  const functions = Number(values.functions);
  if (functions > 0 && !values.instructions)
    throw new Error('--functions counts instructions: give --instructions too');
  if (values.instructions) {
    requireCallgrind();
    options.instructions = true;
  }
  // --pin: this process (the load generator) on CPU 1, every server (all its threads) on CPU 0
  if (values.pin) pin(process.pid, 1);
  const here = join(rootDir, 'packages/server/dist');
  const scratch = mkdtempSync(join(tmpdir(), 'bbk-overhead-'));
  const drops = [];
  const variants = variantsOf(
    here,
    scratch,
    values.baseline,
    values.only,
    Number(values.replicas),
    values.mode,
    values.reference,
  );
  if (values.profile) options.profile = scratch;
  if (values.profile && values['keep-profiles']) {
    options.keepProfiles = values['keep-profiles'];
    mkdirSync(options.keepProfiles, { recursive: true });
  }
  try {
    for (const [i, v] of variants.entries()) {
      const dir = join(scratch, `v${i}`); // one data directory per server process
      // --database: each server on a fresh schema of its own (dropped at the end)
      const pg = values.database ? await benchSchema(values.database) : undefined;
      if (pg) drops.push(pg.drop);
      const where = pg ? { database: pg.url, databaseSchema: pg.schema } : {};
      Object.assign(v, await startChild(v.dist, dir, { ...v.options, ...where }));
      if (values.pin) pin(v.child.pid, 0);
      Object.assign(v, await seed(v, Number(values.catalog)));
      v.requests = 0;
      v.next = 0;
      if (values.instructions) {
        // seeded at native speed, then the same data directory served again under callgrind
        await stopAll([v]);
        v.countsFile = join(scratch, `callgrind-${i}`);
        const runner = callgrindCommand(v.countsFile, functions > 0);
        Object.assign(v, await startChild(v.dist, dir, { ...v.options, ...where }, runner));
        if (values.pin) pin(v.child.pid, 0);
        continue;
      }
      await measure(v, { ...options, duration: Number(values.warmup) }); // warm-up
      v.runs = [];
    }
    if (values.instructions) {
      await countInstructions(variants, values, options);
      await stopAll(variants);
      for (const v of variants) if (v.options.logFile) checkLog(v);
      printInstructions(variants, values, options, functions);
      return;
    }
    for (let r = 0; r < Number(values.rounds); r++) {
      if (values.together) {
        // every server loaded at once: they share CPU 0 (with --pin) in the same instants, so what the
        // machine does meanwhile (other work, frequency, a hypervisor's steal) falls on all of them alike
        // (started in an order that rotates every round: no server is always the first one loaded)
        const order = variants.map((_, i) => variants[(i + r) % variants.length]);
        const results = await Promise.all(order.map((v) => measure(v, options)));
        for (const [i, x] of results.entries()) order[i].runs.push(x);
        continue;
      }
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) v.runs.push(await measure(v, options));
    }
    await stopAll(variants);
    for (const v of variants) if (v.options.logFile) checkLog(v);
    printTable(variants, values, options);
    if (values.profile) printShares(variants);
  } finally {
    await stopAll(variants);
    for (const v of variants) if (v.countsFile && v.child) removeJitMap(v.child.pid);
    for (const drop of drops) await drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * --instructions: every server (under callgrind) warmed up, then in each round their counts zeroed, all loaded at
 * once (the counts do not depend on what else runs), and each one's counts dumped: instructions per request.
 */
async function countInstructions(variants, values, options) {
  await Promise.all(variants.map((v) => measure(v, { ...options, duration: Number(values.warmup) })));
  for (const v of variants) v.runs = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const v of variants) zeroCounts(v.child.pid);
    const results = await Promise.all(variants.map((v) => measure(v, options)));
    for (const [i, v] of variants.entries()) {
      const { file, instructions } = dumpCounts(v.child.pid, v.countsFile);
      v.runs.push({ ...results[i], instructions: instructions / results[i].requests, dump: file });
      if (v.urls.metrics) await checkScrape(v);
    }
  }
}

/**
 * The --instructions table: instructions per request (median over rounds and processes) and the overhead against
 * the all-off servers of the same round, with its bootstrap interval; with `--functions N`, the N functions whose
 * own instructions per request differ most between the all-on (else the first other) variant and all off.
 */
function printInstructions(variants, values, options, functions) {
  console.log(
    `${workload(values, options)}, ${values.rounds} rounds of ${options.duration} s under callgrind (after ${values.warmup} s of warm-up), ${values.replicas} server process(es) ` +
      'per variant; instructions of every thread of the server in user space (the kernel not counted)',
  );
  console.log('| variant | requests per round | instructions per request | overhead |');
  console.log('| --- | ---: | ---: | ---: |');
  const offs = variants.filter((v) => v.key === 'off');
  const keys = [...new Set(variants.map((v) => v.key))];
  for (const key of keys) {
    const group = variants.filter((v) => v.key === key);
    const m = (k) => median(group.flatMap((v) => v.runs).map((x) => x[k]));
    const overhead =
      key === 'off' ? '' : overheadText(offs, group, 'instructions', (x, ref) => x.instructions / ref - 1);
    console.log(`| ${group[0].name} | ${Math.round(m('requests'))} | ${Math.round(m('instructions'))} | ${overhead} |`);
  }
  console.log('per round, instructions per request, by process:');
  for (const key of keys)
    for (const v of variants.filter((x) => x.key === key))
      console.log(`  ${v.name} #${v.replica + 1}: ${v.runs.map((x) => Math.round(x.instructions)).join(', ')}`);
  if (functions <= 0) return;
  const other = keys.includes('all') ? 'all' : keys.find((k) => k !== 'off');
  if (!other) return;
  const perRequest = (key) => {
    const group = variants.filter((v) => v.key === key);
    const total = new Map();
    for (const v of group)
      for (const [name, n] of selfCosts(
        v.runs.map((x) => x.dump),
        v.child.pid,
      ))
        total.set(name, (total.get(name) ?? 0) + n);
    const requests = group.reduce((sum, v) => sum + v.runs.reduce((s, x) => s + x.requests, 0), 0);
    return new Map([...total].map(([name, n]) => [name, n / requests]));
  };
  const a = perRequest(other);
  const b = perRequest('off');
  const names = [...new Set([...a.keys(), ...b.keys()])];
  const diff = (name) => (a.get(name) ?? 0) - (b.get(name) ?? 0);
  names.sort((x, y) => Math.abs(diff(y)) - Math.abs(diff(x)));
  console.log(
    `\nthe ${functions} functions whose own instructions per request differ most, ${other} against off (approximate: bench/callgrind.mjs)`,
  );
  console.log(`| function | ${other} | off | difference |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const name of names.slice(0, functions))
    console.log(
      `| ${name.replaceAll('|', '\\|')} | ${Math.round(a.get(name) ?? 0)} | ${Math.round(b.get(name) ?? 0)} | ${diff(name) >= 0 ? '+' : ''}${Math.round(diff(name))} |`,
    );
}

/** Each server closes when its stdin ends (flushing its log); waits for them (a CPU profile is written at exit). */
async function stopAll(variants) {
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
}

if (process.argv[2] === '--server') await serverMain();
else await main();
