#!/usr/bin/env node
// Consumer benchmark: catalog query latency (p50/p99) and entity-detail requests/s against the
// BUILT server in its own process, on generated country-like catalogs of 10k, 100k (and 1M) records.
//
//   pnpm build && node bench/consumer.mjs [--sizes 10000,100000] [--million] [--duration 10] [--connections 16]
//                                          [--detail-only] [--keep DIR]
//                                          [--engines sqlite,postgres] [--database postgres://…] [--only TEXT,…]
//
// --only: only the query rows whose name contains one of the texts (e.g. `--only indexed,near`).
//
// --keep DIR keeps each generated catalog in DIR/<size> and reuses it on the next run (the 1M catalog takes minutes
// to generate); on PostgreSQL, in the schema bbk_bench_consumer_<size> of that database (else a fresh schema,
// dropped afterwards). BBK_BENCH_PROFILE=<dir> writes a V8 CPU profile of the server under test.
//
// Catalogs are generated straight into SQLite with the server's own migrations (real schema,
// expression indexes, geo index), then the server is started on that data directory and measured
// over HTTP on loopback. Not a test: it prints a table. Figures are recorded in bench/README.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  benchEngines,
  benchEntry,
  benchSchema,
  countryRecord,
  cpuSeconds,
  databaseCpu,
  ENGINE_OPTIONS,
  exampleCountries,
  generatePgCatalog,
  memMb,
  pgCatalogComplete,
  pgLib,
  rng,
  serverDist,
  sqliteSpatialRows,
  startServerChild,
} from './lib.mjs';

const root = new URL('..', import.meta.url);
const requireFromRoot = createRequire(new URL('package.json', root));
const requireFromSdk = createRequire(new URL('packages/sdk/package.json', root));
const requireFromServer = createRequire(new URL('packages/server/package.json', root));

const CID = 'c0ffee'.padEnd(40, '0');
const sha1 = (s) => createHash('sha1').update(s).digest('hex');
const publicId = (vendorId) => sha1(`${CID}:${vendorId}`);
const TIMESERIES = { population: { period: 'P1Y', value: 'people', unit: 'x1' } };
const BENCH_POLICY = {
  access_control: { enabled: false },
  data_segment: { segment_query: { type: 'country' }, field_masks: ['country.instance.serial'] },
  legal_context: [{ type: 'attribution', text: 'Generated for the benchmark', link: null }],
};
/** What the generated catalog holds besides its records (both engines). */
const CATALOG = { cid: CID, publicId, timeseries: TIMESERIES, policy: BENCH_POLICY };
/** Paths the `country` entity type declares as indexed (bbk extension). */
const INDEXES = ['entity.code', 'entity.population'];

// ---- catalog generation ------------------------------------------------------------------------

function templates() {
  const countries = exampleCountries();
  if (!countries) throw new Error('example data not found: examples/countries/data/country.json (set BBK_BENCH_DATA)');
  return countries;
}

/** Writes an n-record catalog into a fresh data directory through the server's schema. */
async function generateCatalog(dir, n) {
  const { openDatabase } = await import(new URL('storage/sqlite/database.js', serverDist).href);
  const { syncRecordIndexes } = await import(new URL('storage/sqlite/catalog.js', serverDist).href);
  const { extractGeometries } = await import(new URL('geo/index.js', serverDist).href);
  const db = openDatabase(dir);
  const now = new Date().toISOString();
  const base = templates();
  const random = rng(42);
  try {
    db.prepare(
      `INSERT INTO entity_types (slug, name, description, timeseries, indexes, created)
       VALUES ('country', 'Countries', 'Generated countries', ?, ?, ?)`,
    ).run(JSON.stringify(TIMESERIES), JSON.stringify(INDEXES), now);
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
    // the entity type declares its indexes; the store creates them (after the bulk load: faster)
    syncRecordIndexes(db);
  } finally {
    db.close();
  }
  return { base, random: rng(7) };
}

// ---- the server under test ---------------------------------------------------------------------

// ---- measurements ------------------------------------------------------------------------------

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Sequential catalog queries: `make(k)` builds the k-th query; returns latency percentiles (ms) and hits. */
async function latency(undici, agent, base, make, count) {
  const times = [];
  let hits = 0;
  for (let k = -3; k < count; k++) {
    const q = encodeURIComponent(JSON.stringify(make(Math.max(0, k))));
    const started = performance.now();
    const res = await undici.request(`${base}/catalog?q=${q}`, {
      dispatcher: agent,
      headers: { 'x-bbk-audience': 'bench' },
    });
    const body = await res.body.text();
    const ms = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`catalog ${res.statusCode}: ${body.slice(0, 300)}`);
    if (k < 0) continue; // warm-up
    times.push(ms);
    hits += JSON.parse(body).length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), hits: hits / count, count };
}

async function detailLoad(autocannon, base, n, { duration, connections }, pid, dbMeter) {
  const random = rng(99);
  const { base: templatesList } = { base: templates() };
  const ids = Array.from({ length: 5000 }, () => {
    const i = Math.floor(random() * n);
    return publicId(`${templatesList[i % templatesList.length].id}-${i}`);
  });
  let next = 0;
  await dbMeter.start();
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: base,
    connections,
    duration,
    headers: { 'x-bbk-audience': 'bench' },
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          path: `${new URL(base).pathname}/entity/country/${ids[next++ % ids.length]}`,
        }),
      },
    ],
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`detail load: ${bad} failed requests`);
  // server CPU per request: a figure that does not depend on what else the machine is running
  const cpuUs = ((cpuSeconds(pid) - cpuBefore) / result.requests.total) * 1e6;
  const dbUs = ((await dbMeter.stop()) / result.requests.total) * 1e6;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpuUs, dbUs };
}

/**
 * The same query's SQL alone, in this process on a read-only connection: the figure without HTTP, JSON and
 * the server's event loop (p50 ms over `count` runs, at most 20).
 */
async function sqlOnly(where, make, count) {
  if (where.pg) return pgSqlOnly(where.pg, make, count);
  const dir = where.dir;
  const Database = requireFromServer('better-sqlite3');
  const { compileQuery, registerSqliteFunctions, validateQuery } = await import(
    new URL('query/index.js', serverDist).href
  );
  const { compilePolicy } = await import(new URL('policy/index.js', serverDist).href);
  const { listQuery } = await import(new URL('storage/sqlite/catalog.js', serverDist).href);
  const db = new Database(join(dir, 'bbk.sqlite'), { readonly: true });
  try {
    registerSqliteFunctions(db);
    const policy = compilePolicy({ id: 1, slug: 'bench', version: 1, policy: BENCH_POLICY });
    const times = [];
    for (let k = -1; k < Math.min(count, 20); k++) {
      const v = validateQuery(make(Math.max(0, k)));
      const filter = compileQuery(v.query, { masks: policy.masks });
      const q = listQuery({ segment: policy.segment, staged: [] }, { filter, limit: 250, offset: 0 });
      const started = performance.now();
      db.prepare(q.sql).all(...q.params);
      if (k >= 0) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return percentile(times, 50);
  } finally {
    db.close();
  }
}

/** `sqlOnly` on PostgreSQL: the store's list SQL (`pgListQuery`) on a connection of this process. */
async function pgSqlOnly(target, make, count) {
  const { compileQuery, validateQuery } = await import(new URL('query/index.js', serverDist).href);
  const { compilePolicy } = await import(new URL('policy/index.js', serverDist).href);
  const { pgListQuery } = await import(new URL('storage/postgres/catalog.js', serverDist).href);
  const client = new (pgLib().Client)({
    connectionString: target.url,
    options: `-c search_path=${target.schema},public`,
  });
  await client.connect();
  try {
    const policy = compilePolicy({ id: 1, slug: 'bench', version: 1, policy: BENCH_POLICY });
    const times = [];
    for (let k = -1; k < Math.min(count, 20); k++) {
      const v = validateQuery(make(Math.max(0, k)));
      const filter = compileQuery(v.query, { masks: policy.masks });
      const q = pgListQuery({ segment: policy.segment, staged: [] }, { filter, limit: 250, offset: 0 });
      const started = performance.now();
      await client.query(q.sql, q.params);
      if (k >= 0) times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return percentile(times, 50);
  } finally {
    await client.end();
  }
}

/**
 * Where the catalog of n records lives on `engine`, generated unless `--keep` holds a complete one: a data
 * directory (SQLite; `keep/<n>`) or a PostgreSQL schema (fresh, or `bbk_bench_consumer_<n>` with `--keep`).
 * `done()` removes what is not kept.
 */
async function catalogOn(engine, n, options) {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  if (engine.name === 'postgres') {
    const target = await benchSchema(engine.url, options.keep ? { keep: `consumer_${n}` } : {});
    const dir = mkdtempSync(join(tmpdir(), 'bbk-bench-consumer-'));
    const done = async () => {
      rmSync(dir, { recursive: true, force: true });
      await target.drop();
    };
    if (target.existed && (await pgCatalogComplete(target, n))) return { dir, pg: target, base: templates(), done };
    if (target.existed) {
      await target.dropAlways();
      return catalogOn(engine, n, options);
    }
    try {
      const base = templates();
      await generatePgCatalog(serverDist, target, n, { base, indexes: INDEXES, catalog: CATALOG });
      return { dir, pg: target, base, genSeconds: seconds(), done };
    } catch (err) {
      await target.dropAlways();
      throw err;
    }
  }
  const keep = options.keep ? join(options.keep, String(n)) : undefined;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'bbk-bench-consumer-'));
  const done = async () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  if (keep !== undefined && existsSync(join(dir, 'bbk.sqlite'))) return { dir, base: templates(), done };
  const { base } = await generateCatalog(dir, n);
  return { dir, base, genSeconds: seconds(), done };
}

async function measure(engine, n, options) {
  const undici = requireFromSdk('undici');
  const autocannon = requireFromRoot('autocannon');
  const where = await catalogOn(engine, n, options);
  const { dir, base, genSeconds } = where;
  const reuse = genSeconds === undefined;
  const rows = [];
  try {
    const { child, urls } = await startServerChild(import.meta.url, dir, { pg: where.pg });
    const agent = new undici.Agent({ keepAliveTimeout: 30_000 });
    try {
      const random = rng(1234);
      const pick = () => Math.floor(random() * n);
      const tpl = (i) => base[i % base.length];
      const loc = (i) => tpl(i).entity.location?.coordinates ?? [0, 0];
      const uk = [
        [-12.386341, 59.062341],
        [-12.386341, 49.952269],
        [2.500282, 49.952269],
        [2.500282, 59.062341],
        [-12.386341, 59.062341],
      ];
      const slow = n >= 1_000_000 ? 10 : n >= 100_000 ? 30 : 100;
      const kinds = [
        [
          'equality, indexed (entity.code)',
          () => ((i) => ({ 'entity.code': `${tpl(i).entity.code}-${i}` }))(pick()),
          200,
        ],
        [
          'equality, unindexed (entity.capital)',
          () => ((i) => ({ 'entity.capital': `${tpl(i).entity.capital} ${i}` }))(pick()),
          slow,
        ],
        [
          'range, indexed path (population)',
          () => ((p) => ({ 'entity.population': { $gte: p, $lt: p + 1000 } }))(1_000_000 + pick() * 10),
          slow,
        ],
        ['regex, selective (full scan)', () => ({ name: { $regex: `^${tpl(pick()).name} ${pick()}$` } }), slow],
        ['regex, common (stops at 250)', () => ({ name: { $regex: 'land' } }), 100],
        [
          '$near 50 km',
          () => ({
            'entity.location': { $near: { $geometry: { type: 'Point', coordinates: loc(pick()) }, $max: 50_000 } },
          }),
          200,
        ],
        [
          '$within UK-sized polygon',
          () => ({ 'entity.location': { $within: { $geometry: { type: 'Polygon', coordinates: [uk] } } } }),
          100,
        ],
      ];
      const chosen = kinds.filter(([name]) => !options.only || options.only.some((o) => name.includes(o)));
      for (const [name, make, count] of options.detailOnly ? [] : chosen) {
        const r = await latency(undici, agent, urls.consumer, make, count);
        const sql = await sqlOnly(where, make, count);
        rows.push({ n, name, p50: r.p50, p99: r.p99, sql, extra: `${r.hits.toFixed(1)} items avg, ${r.count} runs` });
      }
      const d = await detailLoad(autocannon, urls.consumer, n, options, child.pid, databaseCpu(where.pg));
      const db = Number.isNaN(d.dbUs) ? '' : `; database CPU ${Math.round(d.dbUs)} µs/req`;
      rows.push({
        n,
        name: `detail, ${options.connections} connections, ${options.duration} s`,
        p50: d.p50,
        p99: d.p99,
        extra: `${Math.round(d.rps)} req/s; server CPU ${Math.round(d.cpuUs)} µs/req (≈ ${Math.round(1e6 / d.cpuUs)} req/s per core)${db}`,
      });
      rows.push({
        n,
        name: 'server memory',
        p50: Number.NaN,
        p99: Number.NaN,
        extra: `RSS ${memMb(child.pid, 'VmRSS').toFixed(0)} MB, peak ${memMb(child.pid, 'VmHWM').toFixed(0)} MB; catalog ${reuse ? 'reused' : `generated in ${genSeconds.toFixed(1)} s`}`,
      });
    } finally {
      await agent.close();
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
  } finally {
    await where.done();
  }
  return rows.map((r) => ({ ...r, engine: engine.name }));
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      million: { type: 'boolean', default: false },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '16' },
      'detail-only': { type: 'boolean', default: false },
      keep: { type: 'string' },
      only: { type: 'string' },
      ...ENGINE_OPTIONS,
    },
  });
  const engines = benchEngines(values);
  if (!existsSync(new URL('index.js', serverDist))) throw new Error('build first: pnpm build');
  const sizes = values.sizes.split(',').map(Number);
  if (values.million && !sizes.includes(1_000_000)) sizes.push(1_000_000);
  const options = {
    duration: Number(values.duration),
    connections: Number(values.connections),
    detailOnly: values['detail-only'],
    keep: values.keep,
    only: values.only?.split(','),
  };
  const all = [];
  for (const n of sizes) {
    const byEngine = [];
    for (const engine of engines) {
      process.stderr.write(`catalog of ${n} records on ${engine.name}…\n`);
      byEngine.push(await measure(engine, n, options));
    }
    // each measure's row of every engine next to each other
    for (const [i] of byEngine[0].entries()) all.push(...byEngine.map((rows) => rows[i]));
  }
  const pad = (s, w) => String(s).padEnd(w);
  const ms = (v) => (Number.isNaN(v) ? '' : v < 10 ? v.toFixed(2) : v.toFixed(1));
  console.log(
    `\nbbk consumer benchmark: node ${process.version}, ${cpus().length} cores, loopback, policy segment {type} + one mask`,
  );
  console.log('HTTP p50/p99: full round trip on loopback; SQL p50: the same query, SQL alone, in-process\n');
  console.log(
    `${pad('records', 10)}${pad('measure', 40)}${pad('engine', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}${pad('SQL p50', 9)}notes`,
  );
  console.log('-'.repeat(139));
  for (const r of all) {
    const sql = ms(r.sql ?? Number.NaN);
    console.log(
      `${pad(r.n, 10)}${pad(r.name, 40)}${pad(r.engine, 9)}${pad(ms(r.p50), 9)}${pad(ms(r.p99), 9)}${pad(sql, 9)}${r.extra}`,
    );
  }
  console.log('-'.repeat(139));
}

await benchEntry(main);
