// `bbk import` / `bbk export` at scale (docs/MIGRATE.md): writes a bundle of N country-shaped records
// (the documented format, generated here), then through the built CLI: import into SQLite, export from it,
// and with BBK_TEST_DATABASE_URL import into PostgreSQL (a schema of its own) and export from it.
// Prints time, records/s, bundle size and the peak RSS of each CLI process (VmHWM, polled).
//   node bench/transfer.mjs [--records N]     (default 100000; build first: pnpm build)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { countryRecord, exampleCountries, memMb, rng } from './lib.mjs';

// pg is the server package's dependency
const pg = createRequire(new URL('../packages/server/package.json', import.meta.url))('pg');
const CLI = new URL('../packages/cli/dist/bundle/cli.js', import.meta.url).pathname;
const arg = process.argv.indexOf('--records');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const AT = '2026-01-01T00:00:00.000Z';
const CID = 'c0ffee0000000000000000000000000000000000';
const zero = (s) => `{"t":"sequences","name":"${s}","value":0}`;

/** The bundle's lines: one user, one type, one live connector, N records. */
async function* bundleLines(base) {
  const counts = { sequences: 7, meta: 0, users: 1, entity_types: 1, connectors: 1, policies: 0, accesses: 0 };
  Object.assign(counts, {
    tokens: 0,
    records: N,
    usage: 0,
    access_usage: 0,
    violations: 0,
    access_guards: 0,
    audit: 0,
  });
  yield `${JSON.stringify({ format: 'bbk-bundle', version: 1, created: AT, source: { engine: 'sqlite' }, counts, openSessions: 0 })}\n`;
  yield `${['users', 'entity_types', 'connectors', 'policies', 'accesses', 'violations'].map((s) => zero(s).replace('"value":0', `"value":${['users', 'entity_types', 'connectors'].includes(s) ? 1 : 0}`)).join('\n')}\n${JSON.stringify({ t: 'sequences', name: 'records', value: N })}\n`;
  yield `${JSON.stringify({ t: 'users', id: 1, name: 'Admin', email: 'admin@example.org', organization: 'bbk', addendum: '{}', created: AT })}\n`;
  const type = { t: 'entity_types', id: 1, slug: 'country', name: 'Countries', description: 'generated', schema: '{}' };
  yield `${JSON.stringify({ ...type, timeseries: '{}', tags: '[]', icon: '', indexes: '["entity.code"]', version: 1, created: AT })}\n`;
  const connector = {
    t: 'connectors',
    id: 1,
    slug: 'gen',
    entityTypeId: 1,
    contributionId: CID,
    name: 'Gen',
    description: '',
  };
  yield `${JSON.stringify({ ...connector, webhook: null, cache: 0, isLive: true, webhookSecret: 'x', created: AT })}\n`;
  const random = rng(42);
  let chunk = '';
  for (let i = 0; i < N; i++) {
    const r = countryRecord(base, i, random);
    const doc = JSON.stringify({ id: r.id, name: r.name, entity: r.entity, type: 'country', timeseries: {} });
    const publicId = createHash('sha1').update(`${CID}:${r.id}`).digest('hex');
    const row = {
      t: 'records',
      seq: i + 1,
      publicId,
      connectorId: 1,
      type: 'country',
      vendorId: r.id,
      name: r.name,
      doc,
    };
    chunk += `${JSON.stringify(row)}\n`;
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}${JSON.stringify({ t: 'end', rows: N + 10 })}\n`;
}

/** Runs the CLI; resolves with its wall time and peak RSS (MB). */
function cli(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [CLI, ...args, '--json'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let peak = 0;
    let err = '';
    const poll = setInterval(() => {
      peak = Math.max(peak, memMb(child.pid, 'VmHWM') || 0);
    }, 100);
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.resume();
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`bbk ${args[0]} exited ${code}: ${err}`));
      else resolve({ seconds: (performance.now() - started) / 1000, peak });
    });
  });
}

function line(label, { seconds, peak }, file) {
  const size = file ? `, bundle ${(statSync(file).size / 1e6).toFixed(1)} MB` : '';
  console.log(
    `${label.padEnd(28)} ${seconds.toFixed(1)} s, ${Math.round(N / seconds)} records/s, peak RSS ${Math.round(peak)} MB${size}`,
  );
}

const base = exampleCountries();
if (!base) throw new Error('examples/countries/data/country.json is missing');
const dir = mkdtempSync(join(tmpdir(), 'bbk-bench-transfer-'));
try {
  const generated = join(dir, 'generated.gz');
  await pipeline(bundleLines(base), createGzip(), createWriteStream(generated));
  console.log(`${N} records, generated bundle ${(statSync(generated).size / 1e6).toFixed(1)} MB`);
  line('import into SQLite', await cli(['import', '--from', generated, '--data-dir', join(dir, 'a')]));
  const fromSqlite = join(dir, 'sqlite.gz');
  line('export from SQLite', await cli(['export', '--data-dir', join(dir, 'a'), '--to', fromSqlite]), fromSqlite);
  const url = process.env.BBK_TEST_DATABASE_URL;
  if (url) {
    const schema = `bbk_bench_transfer_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      const env = { BBK_DATABASE_SCHEMA: schema };
      line('import into PostgreSQL', await cli(['import', '--from', fromSqlite, '--database', url], env));
      const fromPg = join(dir, 'pg.gz');
      line('export from PostgreSQL', await cli(['export', '--database', url, '--to', fromPg], env), fromPg);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  } else console.log('PostgreSQL skipped: set BBK_TEST_DATABASE_URL');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
