// Helpers shared by the benchmarks: the example records, the server under test in a child
// process, and what /proc says about that process.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

/**
 * The example countries without their connector-private `_` keys, or undefined when the
 * data file is missing. `BBK_BENCH_DATA=<file>` reads another file.
 */
export function exampleCountries() {
  const file = process.env.BBK_BENCH_DATA ?? new URL('../examples/countries/data/country.json', import.meta.url);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')).map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('_'))),
  );
}

/** The built server package (`pnpm build`), which the benchmarks measure. */
export const serverDist = new URL('../packages/server/dist/', import.meta.url);

/**
 * The built server a server child runs: `BBK_BENCH_SERVER_DIST` (a `packages/server/dist/` directory of
 * another checkout, set by `startServerChild`'s `dist` option) or this checkout's.
 */
const childDist = () =>
  process.env.BBK_BENCH_SERVER_DIST ? pathToFileURL(`${process.env.BBK_BENCH_SERVER_DIST}/`) : serverDist;

/**
 * A benchmark script's entry. Run as `script --server <dir>` (by `startServerChild`), it is the
 * server under test: the built server on that data directory, printing its URLs on one line and
 * stopping when stdin ends. Otherwise it runs the benchmark, `main`.
 */
export async function benchEntry(main) {
  if (process.argv[2] !== '--server') return main();
  const { startServer } = await import(new URL('index.js', childDist()).href);
  // only the observability settings pass through, to measure their cost (bench/README.md)
  const env = Object.fromEntries(
    ['BBK_LOG_LEVEL', 'BBK_LOG_FILE', 'BBK_METRICS_PORT'].filter((k) => process.env[k]).map((k) => [k, process.env[k]]),
  );
  // the PostgreSQL engine when the parent gave a database (and a schema of the run's own)
  const database = process.env.BBK_BENCH_DATABASE_URL
    ? { database: process.env.BBK_BENCH_DATABASE_URL, databaseSchema: process.env.BBK_BENCH_DATABASE_SCHEMA }
    : {};
  const server = await startServer(
    {
      mode: 'development',
      dataDir: process.argv[3],
      ...database,
      coordinatorPort: 0,
      contributorPort: 0,
      consumerPort: 0,
    },
    env,
  );
  process.stdout.write(`${JSON.stringify(server.urls)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => server.close().then(() => process.exit(0)));
}

/**
 * Runs `script --server <dir>` in a child process and resolves with the URLs it prints on its
 * first line. Node options for the child: `BBK_BENCH_NODE_ARGS` (e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/prof"), or `BBK_BENCH_PROFILE=<dir>` as a shortcut for a CPU profile.
 * `options.dist`: the `packages/server/dist/` directory to run (default: this checkout's build);
 * `options.pg`: `{ url, schema }` runs the server on that PostgreSQL schema instead of SQLite in `dir`.
 */
export async function startServerChild(script, dir, options = {}) {
  const nodeArgs = (process.env.BBK_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  if (process.env.BBK_BENCH_PROFILE) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${process.env.BBK_BENCH_PROFILE}`);
  const env = { ...process.env };
  delete env.BBK_BENCH_DATABASE_URL;
  delete env.BBK_BENCH_DATABASE_SCHEMA;
  if (options.dist) env.BBK_BENCH_SERVER_DIST = options.dist;
  if (options.pg) {
    // the server's connections carry a name of their own, so `databaseCpu` finds their backends
    const url = new URL(options.pg.url);
    url.searchParams.set('application_name', `bbk_bench_${process.pid}`);
    env.BBK_BENCH_DATABASE_URL = url.href;
    env.BBK_BENCH_DATABASE_SCHEMA = options.pg.schema;
  }
  const child = spawn(process.execPath, [...nodeArgs, new URL(script).pathname, '--server', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { child, urls: JSON.parse(line) };
}

/** CPU seconds a Linux process has used so far, in user space and in the kernel (NaN when it cannot be read). */
export function cpuTimes(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime, stime in clock ticks (USER_HZ = 100)
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/** CPU seconds (user + system) a Linux process has used so far. */
export function cpuSeconds(pid) {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

/**
 * A meter of the CPU the database server spends for the server under test: the backends of the connections
 * `startServerChild` named `bbk_bench_<this pid>` (PostgreSQL on this machine; /proc of its processes).
 * `start()` then `stop()` gives CPU seconds: backends that closed meanwhile are missed, new ones count whole.
 * On SQLite, or when the backends cannot be read, NaN.
 */
export function databaseCpu(target) {
  const pids = async () => {
    if (!target) return [];
    const client = new (pgLib().Client)({ connectionString: target.url });
    await client.connect();
    try {
      const r = await client.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
        `bbk_bench_${process.pid}`,
      ]);
      return r.rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  };
  let before = new Map();
  return {
    async start() {
      before = new Map((await pids()).map((pid) => [pid, cpuSeconds(pid)]));
    },
    async stop() {
      if (!target) return Number.NaN;
      let sum = 0;
      for (const pid of await pids()) sum += cpuSeconds(pid) - (before.get(pid) ?? 0);
      return sum;
    },
  };
}

/** A memory figure of a Linux process from /proc/<pid>/status (`VmRSS`, `VmHWM` = peak RSS), in MB. */
export function memMb(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

// ---- engines: SQLite in a data directory, or a schema of a PostgreSQL database -----------------

/** The `pg` client library (a dependency of the server package). */
export const pgLib = () => createRequire(new URL('../packages/server/package.json', import.meta.url))('pg');

/**
 * The engines a benchmark runs on, from `--engines sqlite,postgres` and `--database URL` (or
 * `BBK_DATABASE_URL`): `--engines` absent means SQLite alone, or PostgreSQL alone when a database is given.
 * Returns `[{ name: 'sqlite' } | { name: 'postgres', url }]`.
 */
export function benchEngines(values) {
  const url = values.database ?? process.env.BBK_DATABASE_URL;
  const names = values.engines ? values.engines.split(',').map((e) => e.trim()) : [url ? 'postgres' : 'sqlite'];
  return names.map((name) => {
    if (name === 'sqlite') return { name };
    if (name !== 'postgres') throw new Error(`unknown engine "${name}" (sqlite, postgres)`);
    if (!url) throw new Error('the postgres engine needs --database postgres://… (or BBK_DATABASE_URL)');
    return { name, url };
  });
}

/** The options every benchmark takes to choose its engines (for `parseArgs`). */
export const ENGINE_OPTIONS = { engines: { type: 'string' }, database: { type: 'string' } };

/** A plain schema name: `bbk_bench_<what>` (what: lower-case letters, digits, `_`). */
const benchSchemaName = (what) => `bbk_bench_${what}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/**
 * A schema for one run on the database `url`: a fresh `bbk_bench_<pid>_<time>` dropped by `drop()`, or with
 * `keep` the named schema `bbk_bench_<keep>` (created when missing, `existed` says whether it was there,
 * `drop()` keeps it). `drop()` of a fresh schema removes everything in it.
 */
export async function benchSchema(url, { keep } = {}) {
  const pg = pgLib();
  const schema = keep ? benchSchemaName(keep) : benchSchemaName(`${process.pid}_${Date.now().toString(36)}`);
  const run = async (sql) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const found = await run(`SELECT 1 FROM pg_namespace WHERE nspname = '${schema}'`);
  const existed = found.rowCount > 0;
  if (!existed) await run(`CREATE SCHEMA ${schema}`);
  return {
    url,
    schema,
    existed,
    drop: keep ? async () => {} : () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => {}),
    /** Drops a kept schema too (a load that failed half-way must not be reused). */
    dropAlways: () => run(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(() => {}),
  };
}

/**
 * The PostgreSQL store of the build `dist` (a file URL of its dist/) in a fresh bench schema, with the entity type
 * `country` (id 1) and a connector `raw` of it (id 1, contribution id forty `a`s): what the raw-insert and session
 * benchmarks write into. `close()` closes the store and drops the schema.
 */
export async function rawPgStore(dist, url) {
  const { PostgresStore } = await import(new URL('storage/postgres/postgres-store.js', dist).href);
  const target = await benchSchema(url);
  const store = await PostgresStore.open({ url, schema: target.schema });
  const close = async () => {
    await store.close();
    await target.drop();
  };
  try {
    const now = new Date().toISOString();
    await store.db.query(
      `INSERT INTO entity_types (slug, name, description, created) VALUES ('country', 'C', 'C', $1)`,
      [now],
    );
    await store.db.query(
      `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, webhook_secret, created)
       VALUES ('raw', 1, $1, 'raw', 'raw', 's', $2)`,
      ['a'.repeat(40), now],
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { store, close };
}

// ---- generated catalogs (the consumer and catalog-query benchmarks) --------------------------

/**
 * Writes a record's spatial index rows into a SQLite catalog as that build's store would: points in
 * `record_points` where the schema has it (migration 9), every other geometry (and every geometry of an older
 * schema) in the `record_geo` R-tree with its map row. `(seq, [{ path, bbox }])`.
 */
export function sqliteSpatialRows(db) {
  const hasPoints = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'record_points'").get() !== undefined;
  const geo = db.prepare(
    'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const map = db.prepare('INSERT INTO record_geo_map (record_seq, geo_id) VALUES (?, ?)');
  const point = hasPoints
    ? db.prepare('INSERT INTO record_points (record_seq, n, path, x, y) VALUES (?, ?, ?, ?, ?)')
    : null;
  return (seq, geometries) => {
    for (const [n, { path, bbox }] of geometries.entries()) {
      if (point && bbox[0] === bbox[2] && bbox[1] === bbox[3]) point.run(seq, n, path, bbox[0], bbox[1]);
      else map.run(seq, geo.run(bbox[0], bbox[2], bbox[1], bbox[3], seq, path).lastInsertRowid);
    }
  };
}

/** The median of numbers; of an even count, the mean of the middle two (not the upper one's figure). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The overhead of a variant against a reference measured in the same rounds, as the median over rounds and processes
 * of `ratio(run, reference)`, where a round's reference is the median of the reference processes' `key` in that
 * round; with its 95% percentile-bootstrap interval. A draw takes again, with replacement, the reference's processes,
 * the variant's processes and the rounds (a process's own speed and a round's machine state are both noise), and the
 * interval is the 2.5th and 97.5th percentiles of 2,000 draws' medians. `reference` and `variant`: per process, its
 * runs by round.
 * @example overheadWithInterval([[{ cpuUs: 90 }]], [[{ cpuUs: 99 }]], 'cpuUs', (x, ref) => x.cpuUs / ref - 1) // { median: 0.1, low: 0.1, high: 0.1 }
 */
export function overheadWithInterval(reference, variant, key, ratio, draws = 2000) {
  const rounds = reference[0].length;
  const all = (n) => Array.from({ length: n }, (_, i) => i);
  const estimate = (refs, procs, roundList) => {
    const values = [];
    for (const r of roundList) {
      const ref = median(refs.map((p) => reference[p][r][key]));
      for (const p of procs) values.push(ratio(variant[p][r], ref));
    }
    return median(values);
  };
  const random = rng(20261205);
  const pick = (n) => Array.from({ length: n }, () => Math.floor(random() * n));
  const medians = [];
  for (let d = 0; d < draws; d++) medians.push(estimate(pick(reference.length), pick(variant.length), pick(rounds)));
  medians.sort((a, b) => a - b);
  return {
    median: estimate(all(reference.length), all(variant.length), all(rounds)),
    low: medians[Math.floor(draws * 0.025)],
    high: medians[Math.ceil(draws * 0.975) - 1],
  };
}

/** A tiny deterministic PRNG (mulberry32), so every run generates the same catalog. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const clamp = (v, m) => Math.max(-m, Math.min(m, v));

/** Record `i`: a country template with unique id, name, code, capital; location jittered ±2°. */
export function countryRecord(base, i, random) {
  const t = base[i % base.length];
  const e = t.entity;
  const [x, y] = e.location?.coordinates ?? [0, 0];
  return {
    id: `${t.id}-${i}`,
    name: `${t.name} ${i}`,
    entity: {
      ...e,
      code: `${e.code}-${i}`,
      capital: `${e.capital} ${i}`,
      area: (e.area ?? 1) + (i % 1000),
      population: (e.population ?? 1) + i,
      location: {
        type: 'Point',
        coordinates: [clamp(x + (random() - 0.5) * 4, 180), clamp(y + (random() - 0.5) * 4, 89.9)],
      },
    },
    ...(t.instance ? { instance: { ...t.instance, serial: i } } : {}),
  };
}

// ---- generated catalogs on PostgreSQL (the consumer and catalog-query benchmarks) ------------------

/** The stored document of record `r` (what the server stores for a contribution). */
const storedDoc = (r, timeseries) => ({
  id: r.id,
  name: r.name,
  entity: r.entity,
  instance: r.instance,
  type: 'country',
  timeseries,
});

/** Rows of records `from`..`to` for the PostgreSQL loader: one array per column. */
async function pgRows(dist, catalog, base, random, from, to) {
  const { extractGeometries } = await import(new URL('geo/index.js', dist).href);
  const { indexedGeometries } = await import(new URL('storage/postgres/geometries.js', dist).href);
  const cols = [[], [], [], [], [], []];
  for (let i = from; i < to; i++) {
    const r = countryRecord(base, i, random);
    const doc = JSON.stringify(storedDoc(r, catalog.timeseries));
    const geo = extractGeometries(JSON.parse(doc));
    const row = [
      i + 1,
      catalog.publicId(r.id),
      r.id,
      r.name,
      doc,
      indexedGeometries(doc, geo.length ? JSON.stringify(geo) : null),
    ];
    for (const [k, v] of row.entries()) cols[k].push(v);
  }
  return cols;
}

/**
 * Writes an n-record catalog (`countryRecord`s of `base`; entity type `country` declaring `indexes`, connector
 * `generated` with `catalog.cid`, policy `bench` = `catalog.policy`) into the PostgreSQL schema `target` through
 * the migrations of the build in `dist` (a `packages/server/dist/` URL): records
 * in `unnest` batches of 10,000 (explicit seq, one transaction), their `record_geo` rows set-based from
 * `records.geo` with the GiST index built after the load, the declared expression indexes by the store's
 * `syncRecordIndexes`, then VACUUM ANALYZE.
 */
export async function generatePgCatalog(dist, target, n, { base, indexes, catalog }) {
  const { PostgresStore } = await import(new URL('storage/postgres/postgres-store.js', dist).href);
  const { syncRecordIndexes } = await import(new URL('storage/postgres/indexes.js', dist).href);
  const store = await PostgresStore.open({ url: target.url, schema: target.schema });
  const db = store.db;
  const now = new Date().toISOString();
  const random = rng(42);
  try {
    await db.tx(async (c) => {
      await c.query(
        `INSERT INTO entity_types (slug, name, description, timeseries, indexes, created)
         VALUES ('country', 'Countries', 'Generated countries', $1, $2, $3)`,
        [JSON.stringify(catalog.timeseries), JSON.stringify(indexes), now],
      );
      await c.query(
        `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, is_live, webhook_secret, created)
         VALUES ('generated', 1, $1, 'Generated', 'Generated', true, 'secret', $2)`,
        [catalog.cid, now],
      );
      await c.query(
        `INSERT INTO policies (slug, name, description, policy, created) VALUES ('bench', 'Bench', 'Bench', $1, $2)`,
        [JSON.stringify(catalog.policy), now],
      );
      await c.query('DROP INDEX record_geo_geom');
      for (let i = 0; i < n; i += 10_000) {
        await c.query(
          `INSERT INTO records (seq, public_id, connector_id, type, vendor_id, name, doc, geo)
           SELECT t.seq, t.pid, 1, 'country', t.vid, t.name, t.doc::jsonb, t.geo::jsonb
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(seq, pid, vid, name, doc, geo)`,
          await pgRows(dist, catalog, base, random, i, Math.min(n, i + 10_000)),
        );
      }
      await c.query("SELECT setval(pg_get_serial_sequence('records', 'seq'), $1)", [n]);
      await c.query(
        `INSERT INTO record_geo (record_seq, path, geom)
         SELECT r.seq, g ->> 'path', ST_SetSRID(ST_GeomFromGeoJSON((g -> 'geometry')::text), 4326)
         FROM records r CROSS JOIN LATERAL jsonb_array_elements(r.geo) AS g WHERE r.geo IS NOT NULL ORDER BY r.seq`,
      );
      // the migration's index, as it defines it, built once over the loaded rows
      await c.query('CREATE INDEX record_geo_geom ON record_geo USING gist (geom)');
      // the entity type declares its indexes (if any); the store creates them (after the bulk load: faster)
      await syncRecordIndexes(c);
    });
    await db.query('VACUUM ANALYZE records, record_geo');
  } finally {
    await store.close();
  }
}

/** Whether the kept schema holds a complete catalog of n records (a load that stopped half-way does not). */
export async function pgCatalogComplete(target, n) {
  const client = new (pgLib().Client)({ connectionString: target.url });
  await client.connect();
  try {
    const r = await client.query(
      `SELECT (SELECT count(*) FROM ${target.schema}.records)::int AS n,
              EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = 'record_geo_geom') AS geo`,
      [target.schema],
    );
    return r.rows[0].n === n && r.rows[0].geo;
  } catch {
    return false;
  } finally {
    await client.end();
  }
}
