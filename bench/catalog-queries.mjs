#!/usr/bin/env node
// Catalog queries on an entity type that declares NO indexes (issue 15's table), against the BUILT
// server in its own process, optionally next to a baseline build in the same run (interleaved A/B).
//
//   pnpm build && node bench/catalog-queries.mjs [--sizes 100000] [--million] [--baseline <git ref | checkout dir>]
//                                                 [--rounds 4] [--per-round 8] [--duration 5] [--connections 16]
//                                                 [--settle 3] [--keep DIR] [--skip-detail] [--only TEXT]
//                                                 [--engines sqlite,postgres] [--database postgres://…]
//
// For each build (this checkout, and the baseline when given) it generates the catalog straight into SQLite
// through THAT build's migrations (country-like records; the entity type declares no `indexes`), starts that
// build's server on it, warms every query kind up, waits `--settle` seconds (background work such as automatic
// indexes), then measures in rounds: each round runs every kind on each build in turn (the order alternates), so
// both builds meet the same machine load (`--only TEXT`: only the rows whose name contains TEXT). Then entity
// detail under `--connections` clients (autocannon, each build in turn) and each server's memory. A baseline given as a git ref is exported (`git archive`) to
// /tmp/bbk-bench-baseline-<sha>, linked to this checkout's node_modules (same lockfile) and built once.
// With --engines sqlite,postgres every build runs on both engines (PostgreSQL: --database or BBK_DATABASE_URL, a fresh
// schema per build dropped afterwards, or with --keep the schema bbk_bench_q_<build>_<size>, reused).
// Not a test: it prints a table. Figures and reading: bench/README.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  benchEngines,
  benchEntry,
  benchSchema,
  countryRecord,
  ENGINE_OPTIONS,
  exampleCountries,
  generatePgCatalog,
  memMb,
  pgCatalogComplete,
  rng,
  sqliteSpatialRows,
  startServerChild,
} from './lib.mjs';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const requireFromRoot = createRequire(join(rootDir, 'package.json'));
const requireFromSdk = createRequire(join(rootDir, 'packages/sdk/package.json'));

const CID = 'c0ffee'.padEnd(40, '0');
const sha1 = (s) => createHash('sha1').update(s).digest('hex');
const publicId = (vendorId) => sha1(`${CID}:${vendorId}`);
const TIMESERIES = { population: { period: 'P1Y', value: 'people', unit: 'x1' } };
const BENCH_POLICY = {
  access_control: { enabled: false },
  data_segment: { segment_query: { type: 'country' }, field_masks: ['country.instance.serial'] },
  legal_context: [{ type: 'attribution', text: 'Generated for the benchmark', link: null }],
};

// ---- builds ------------------------------------------------------------------------------------

const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/**
 * A built checkout of `ref`: a directory holding a build (used as is), or a git ref exported to
 * /tmp/bbk-bench-baseline-<sha>, given this checkout's node_modules when the lockfiles agree, and built.
 */
function baselineCheckout(ref) {
  if (existsSync(join(ref, 'packages/server/dist/index.js'))) return resolve(ref);
  const sha = sh('git', ['rev-parse', '--verify', `${ref}^{commit}`], rootDir).trim();
  const dir = join(tmpdir(), `bbk-bench-baseline-${sha.slice(0, 12)}`);
  if (existsSync(join(dir, 'packages/server/dist/index.js'))) return dir;
  process.stderr.write(`baseline ${ref} (${sha.slice(0, 12)}): exporting and building in ${dir}…\n`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C '${dir}'`], { cwd: rootDir, stdio: 'inherit' });
  const sameLock =
    readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8') === readFileSync(join(rootDir, 'pnpm-lock.yaml'), 'utf8');
  if (sameLock) {
    // pnpm's package links are relative: copied as links, they resolve through the linked root store
    symlinkSync(join(rootDir, 'node_modules'), join(dir, 'node_modules'));
    for (const group of ['packages', 'examples']) {
      if (!existsSync(join(rootDir, group))) continue;
      for (const pkg of readdirSync(join(rootDir, group))) {
        const from = join(rootDir, group, pkg, 'node_modules');
        if (existsSync(from) && existsSync(join(dir, group, pkg))) {
          cpSync(from, join(dir, group, pkg, 'node_modules'), { recursive: true, verbatimSymlinks: true });
        }
      }
    }
  } else {
    sh('npx', ['-y', 'pnpm@10.34.8', 'install', '--frozen-lockfile', '--offline'], dir);
  }
  sh(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'], dir);
  return dir;
}

// ---- catalog generation ------------------------------------------------------------------------

/** Writes an n-record catalog into `dir` through the schema of the build in `dist` (no declared indexes). */
async function generateCatalog(dist, dir, base, n) {
  const { openDatabase } = await import(pathToFileURL(join(dist, 'storage/sqlite/database.js')).href);
  const { extractGeometries } = await import(pathToFileURL(join(dist, 'geo/index.js')).href);
  mkdirSync(dir, { recursive: true });
  const db = openDatabase(dir);
  const now = new Date().toISOString();
  const random = rng(42);
  try {
    db.prepare(
      `INSERT INTO entity_types (slug, name, description, timeseries, indexes, created)
       VALUES ('country', 'Countries', 'Generated countries', ?, '[]', ?)`,
    ).run(JSON.stringify(TIMESERIES), now);
    db.prepare(
      `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, is_live, webhook_secret, created)
       VALUES ('generated', 1, ?, 'Generated', 'Generated', 1, 'secret', ?)`,
    ).run(CID, now);
    db.prepare(
      `INSERT INTO policies (slug, name, description, policy, created) VALUES ('bench', 'Bench', 'Bench', ?, ?)`,
    ).run(JSON.stringify(BENCH_POLICY), now);
    const insert = db.prepare(
      `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 'country', ?, ?, jsonb(?)) RETURNING seq`,
    );
    const spatial = sqliteSpatialRows(db);
    const batch = db.transaction((from, to) => {
      for (let i = from; i < to; i++) {
        const r = countryRecord(base, i, random);
        const doc = {
          id: r.id,
          name: r.name,
          entity: r.entity,
          instance: r.instance,
          type: 'country',
          timeseries: TIMESERIES,
        };
        const { seq } = insert.get(publicId(r.id), r.id, r.name, JSON.stringify(doc));
        spatial(seq, extractGeometries(doc));
      }
    });
    for (let i = 0; i < n; i += 20_000) batch(i, Math.min(n, i + 20_000));
  } finally {
    db.close();
  }
}

// ---- the table's rows ------------------------------------------------------------------------------

/**
 * The query kinds of issue 15's table: [name, target p50 ms, (k, n) => path and query string]. Values vary with
 * `k` so that no answer can be served from a cache of an earlier call (the SQLite engine gives a list's answer
 * again while the catalog holds still: `storage/sqlite/list-results.ts`). The continent query and the deep pages
 * have few distinct values, so their offset moves by up to 249 rows (a little more work, never less). The last
 * row asks one query again and again: what a repeated query costs.
 */
function kinds(base) {
  const tpl = (i) => base[i % base.length];
  const continents = [...new Set(base.map((t) => t.entity.continent).filter(Boolean))];
  const q = (v) => `/catalog?q=${encodeURIComponent(JSON.stringify(v))}`;
  const spread = (k, n) => Math.floor(rng(k + 1)() * n);
  return [
    ['equality on name (1 match)', 2, (k, n) => ((i) => q({ name: `${tpl(i).name} ${i}` }))(spread(k, n))],
    [
      'equality on entity.continent (250 of many)',
      2,
      (k) => `${q({ 'entity.continent': continents[k % continents.length] })}&offset=${k % 250}`,
    ],
    [
      'range on entity.population',
      3,
      (k, n) => ((p) => q({ 'entity.population': { $gte: p, $lt: p + 1000 } }))(1_000_000 + spread(k, n) * 10),
    ],
    [
      'regex /i on name, ~250 matches',
      10,
      (k) => q({ name: { $regex: `^${tpl(k).name.toLowerCase()} \\d*[0-4]$`, $options: 'i' } }),
    ],
    ['regex matching nothing', 20, (k) => q({ name: { $regex: `zz${k}q$`, $options: 'i' } })],
    [
      'two conditions ANDed',
      3,
      (k, n) =>
        q({
          'entity.continent': continents[k % continents.length],
          'entity.population': { $gte: 1_000_000 + spread(k, n) * 10, $lt: 1_000_000 + spread(k, n) * 10 + 20_000 },
        }),
    ],
    ['list page at offset n/2', 5, (k, n) => `/entity/country?offset=${Math.floor(n / 2) + (k % 8) * 250 + (k % 249)}`],
    ['list page at offset n-250', 5, (k, n) => `/entity/country?offset=${n - 250 - (k % 250)}`],
    ['the same continent query, repeated', null, () => q({ 'entity.continent': continents[0] })],
  ];
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function timed(undici, agent, url) {
  const started = performance.now();
  const res = await undici.request(url, { dispatcher: agent, headers: { 'x-bbk-audience': 'bench' } });
  const body = await res.body.text();
  const ms = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${body.slice(0, 300)}`);
  return { ms, items: JSON.parse(body).length };
}

async function detailLoad(autocannon, server, base, n, { duration, connections }) {
  const random = rng(99);
  const ids = Array.from({ length: 5000 }, () => {
    const i = Math.floor(random() * n);
    return publicId(`${base[i % base.length].id}-${i}`);
  });
  let next = 0;
  const result = await autocannon({
    url: server.urls.consumer,
    connections,
    duration,
    headers: { 'x-bbk-audience': 'bench' },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: `${new URL(server.urls.consumer).pathname}/entity/country/${ids[next++ % ids.length]}`,
        }),
      },
    ],
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`detail load: ${bad} failed requests`);
  return result.requests.average;
}

/** Proportional set size (MB) of a Linux process, from /proc/<pid>/smaps_rollup. */
function pssMb(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * The catalog a build's server runs on: SQLite, a data directory (a kept one is copied: the server under test
 * changes its data directory, automatic indexes…); PostgreSQL, a fresh schema (dropped at the end, `drops`) or
 * with `--keep` the schema `bbk_bench_q_<build>_<n>`, reused as is (the PostgreSQL engine builds no indexes by
 * itself). The server is started after this, so the time it measures does not include generation.
 */
async function catalogFor(b, dist, base, n, options, drops) {
  const dir = mkdtempSync(join(tmpdir(), 'bbk-bench-q-'));
  if (b.engine.name === 'postgres') {
    const target = await benchSchema(b.engine.url, options.keep ? { keep: `q_${b.key}_${n}` } : {});
    drops.push(() => target.drop());
    if (!(target.existed && (await pgCatalogComplete(target, n)))) {
      process.stderr.write(`${b.label}: generating ${n} records on PostgreSQL…\n`);
      if (target.existed) await target.dropAlways().then(() => benchSchema(b.engine.url, { keep: `q_${b.key}_${n}` }));
      const catalog = { cid: CID, publicId, timeseries: TIMESERIES, policy: BENCH_POLICY };
      await generatePgCatalog(pathToFileURL(`${dist}/`), target, n, { base, indexes: [], catalog });
    }
    return { dir, pg: target };
  }
  const kept = options.keep ? join(options.keep, `${b.key}-${n}`) : undefined;
  if (kept && existsSync(join(kept, 'bbk.sqlite'))) cpSync(kept, dir, { recursive: true });
  else {
    process.stderr.write(`${b.label}: generating ${n} records…\n`);
    await generateCatalog(dist, kept ?? dir, base, n);
    if (kept) cpSync(kept, dir, { recursive: true });
  }
  return { dir };
}

async function measure(n, builds, options) {
  const undici = requireFromSdk('undici');
  const autocannon = requireFromRoot('autocannon');
  const base = exampleCountries();
  if (!base) throw new Error('example data not found: examples/countries/data/country.json (set BBK_BENCH_DATA)');
  const agent = new undici.Agent({ keepAliveTimeout: 30_000 });
  const servers = [];
  const temp = [];
  const drops = [];
  try {
    for (const b of builds) {
      const dist = join(b.root, 'packages/server/dist');
      const { dir, pg } = await catalogFor(b, dist, base, n, options, drops);
      temp.push(dir);
      // the server alone: not the catalog's generation or copy
      const started = performance.now();
      const { child, urls } = await startServerChild(import.meta.url, dir, { dist, pg });
      servers.push({ build: b, child, urls, startMs: performance.now() - started, times: new Map() });
    }
    const list = kinds(base).filter(([name]) => !options.only || name.includes(options.only));
    let k = 0;
    // warm-up: every kind a few times on each build, then time for background work
    for (const s of servers)
      for (const [, , make] of list)
        for (let i = 0; i < 4; i++) await timed(undici, agent, `${s.urls.consumer}${make(k++, n)}`);
    await new Promise((r) => setTimeout(r, options.settle * 1000));
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const [name, , make] of list) {
        for (const s of order) {
          const t = s.times.get(name) ?? { ms: [], items: 0 };
          for (let i = 0; i < options.perRound; i++) {
            const r = await timed(undici, agent, `${s.urls.consumer}${make(k++, n)}`);
            t.ms.push(r.ms);
            t.items += r.items;
          }
          s.times.set(name, t);
        }
      }
    }
    const rows = list.map(([name, target]) => ({
      name,
      target: target === null ? '—' : `≤ ${target} ms`,
      cells: servers.map((s) => {
        const t = s.times.get(name);
        const sorted = [...t.ms].sort((a, b) => a - b);
        return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), items: t.items / t.ms.length };
      }),
    }));
    if (!options.skipDetail) {
      const rps = servers.map(() => []);
      for (let round = 0; round < 2; round++) {
        for (const [i, s] of servers.entries()) rps[i].push(await detailLoad(autocannon, s, base, n, options));
      }
      rows.push({
        name: `detail, ${options.connections} clients (req/s)`,
        target: '≥ 8,000 req/s',
        cells: rps.map((r) => ({ value: Math.round(r.reduce((a, b) => a + b, 0) / r.length) })),
      });
    }
    rows.push({
      name: 'server memory after the run (PSS MB)',
      target: '≤ 200 MB',
      cells: servers.map((s) => ({
        value: Math.round(pssMb(s.child.pid)),
        note: `RSS ${Math.round(memMb(s.child.pid, 'VmRSS'))}`,
      })),
    });
    rows.push({
      name: 'server start on the catalog (ms)',
      target: '',
      cells: servers.map((s) => ({ value: Math.round(s.startMs) })),
    });
    return rows;
  } finally {
    await agent.close();
    for (const s of servers) {
      s.child.stdin.end();
      await new Promise((r) => s.child.once('exit', r));
    }
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
    for (const drop of drops) await drop();
  }
}

function print(n, builds, rows) {
  const pad = (s, w) => String(s).padEnd(w);
  const ms = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  const cell = (c) =>
    c.value !== undefined ? `${c.value}${c.note ? ` (${c.note})` : ''}` : `${ms(c.p50)} / ${ms(c.p95)}`;
  console.log(`\n${n.toLocaleString('en')} records (p50 / p95 ms of the HTTP round trip, sequential)`);
  console.log(
    `${pad('measure', 44)}${pad('target', 15)}${builds.map((b) => pad(b.label, 22)).join('')}${builds.length > 1 ? 'ratio p50' : ''}`,
  );
  console.log('-'.repeat(44 + 15 + 22 * builds.length + 10));
  for (const r of rows) {
    const [a, b] = r.cells;
    const ratio =
      b === undefined ? '' : b.p50 !== undefined ? (b.p50 / a.p50).toFixed(2) : (b.value / a.value).toFixed(2);
    const items = r.cells[0].items !== undefined ? `  ${r.cells.map((c) => c.items.toFixed(0)).join('/')} items` : '';
    console.log(
      `${pad(r.name, 44)}${pad(r.target, 15)}${r.cells.map((c) => pad(cell(c), 22)).join('')}${ratio}${items}`,
    );
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000' },
      million: { type: 'boolean', default: false },
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '4' },
      'per-round': { type: 'string', default: '8' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '16' },
      settle: { type: 'string', default: '3' },
      keep: { type: 'string' },
      'skip-detail': { type: 'boolean', default: false },
      only: { type: 'string' },
      ...ENGINE_OPTIONS,
    },
  });
  const engines = benchEngines(values);
  if (!existsSync(join(rootDir, 'packages/server/dist/index.js'))) throw new Error('build first: pnpm build');
  const sizes = values.sizes.split(',').map(Number);
  if (values.million && !sizes.includes(1_000_000)) sizes.push(1_000_000);
  const head = sh('git', ['rev-parse', '--short=12', 'HEAD'], rootDir).trim();
  const checkouts = [];
  if (values.baseline) {
    const dir = baselineCheckout(values.baseline);
    checkouts.push({ label: `baseline ${values.baseline}`, root: dir, key: `base-${sha1(dir).slice(0, 8)}` });
  }
  checkouts.push({ label: `this build (${head})`, root: rootDir, key: 'this' });
  // every build on every engine, each a column of the table
  const builds = checkouts.flatMap((c) =>
    engines.map((engine) => ({ ...c, engine, label: engines.length > 1 ? `${c.label}, ${engine.name}` : c.label })),
  );
  const options = {
    rounds: Number(values.rounds),
    perRound: Number(values['per-round']),
    duration: Number(values.duration),
    connections: Number(values.connections),
    settle: Number(values.settle),
    keep: values.keep,
    skipDetail: values['skip-detail'],
    only: values.only,
  };
  console.log(
    `bbk catalog queries: node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}, entity type without declared indexes`,
  );
  for (const n of sizes) print(n, builds, await measure(n, builds, options));
}

await benchEntry(main);
