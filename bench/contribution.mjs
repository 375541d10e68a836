#!/usr/bin/env node
// Contribution benchmark: records/s through the Contributor API (stream and replace sessions,
// batches of 250) against the BUILT server in its own process, the server's peak RSS, and the
// same records inserted with raw better-sqlite3 prepared statements in one transaction.
//
//   pnpm build && node bench/contribution.mjs [--records 100000] [--concurrency 4]
//
// Not a test: it prints a table. Figures are recorded in bench/README.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchEntry, clamp, cpuSeconds, exampleCountries, memMb, serverDist, startServerChild } from './lib.mjs';

const root = new URL('..', import.meta.url);
const requireFromServer = createRequire(new URL('package.json', new URL('packages/server/', root)));
const requireFromSdk = createRequire(new URL('packages/sdk/package.json', root));

// ---- records --------------------------------------------------------------------------------

/** Country-shaped templates: the example data when present, else one built-in record. */
function templates() {
  const countries = exampleCountries();
  if (countries) return countries;
  return [
    {
      id: 'AD',
      name: 'Andorra',
      entity: {
        area: 468,
        calling_code: 376,
        capital: 'Andorra la Vella',
        code: 'AD',
        continent: 'Europe',
        currency: { code: 'EUR', name: 'Euro' },
        landlocked: true,
        languages: ['Catalan', 'French', 'Portuguese', 'Spanish'],
        location: { coordinates: [1.601554, 42.546245], type: 'Point' },
        population: 74794,
        link: 'https://en.wikipedia.org/wiki/Andorra',
      },
      instance: { independence: 1278 },
    },
  ];
}

/**
 * `n` records: templates cycled, ids/names unique, numbers and coordinates varied. The same
 * `n` with another `revision` gives the same keys with every document changed (population),
 * and with `moved` every geometry too (locations shifted by 0.001°).
 */
function generate(n, { revision = 0, moved = false } = {}) {
  const base = templates();
  return Array.from({ length: n }, (_, i) => {
    const t = base[i % base.length];
    const e = t.entity;
    const [x, y] = e.location?.coordinates ?? [0, 0];
    return {
      id: `${t.id}-${i}`,
      name: `${t.name} ${i}`,
      entity: {
        ...e,
        area: (e.area ?? 1) + (i % 1000),
        population: (e.population ?? 1) + i + revision,
        location: {
          type: 'Point',
          coordinates: [clamp(x + (i % 7) * 0.01 + (moved ? 0.001 : 0), 180), clamp(y + (i % 5) * 0.01, 90)],
        },
      },
      ...(t.instance ? { instance: { ...t.instance, serial: i } } : {}),
    };
  });
}

const countrySchema = {
  type: 'object',
  properties: {
    code: { type: 'string', minLength: 2, maxLength: 2 },
    area: { type: 'number' },
    population: { type: 'integer' },
    location: { type: 'object', properties: { type: { const: 'Point' } }, required: ['type', 'coordinates'] },
  },
  required: ['code', 'area', 'location'],
};
const timeseries = { population: { period: 'P1Y', value: 'people', unit: 'x1' } };

// ---- HTTP side --------------------------------------------------------------------------------

function makeHttp(undici, concurrency) {
  const agent = new undici.Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
  return {
    async call(method, url, body) {
      const res = await undici.request(url, {
        method,
        dispatcher: agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode}: ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : undefined;
    },
    close: () => agent.close(),
  };
}

/**
 * Posts pre-serialised batches with `concurrency` calls in flight, then closes with commit.
 * Returns wall seconds (close included), the commit's share, and the server's CPU seconds.
 */
async function runSession(http, server, cid, mode, bodies, concurrency) {
  const base = server.urls.contributor;
  const sid = await http.call('GET', `${base}/connector/${cid}/session/open/${mode}`);
  const cpu0 = cpuSeconds(server.child.pid);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      await http.call('POST', `${base}/connector/${cid}/session/${sid}/upsert`, body);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const posted = performance.now();
  await http.call('GET', `${base}/connector/${cid}/session/${sid}/close/true`);
  const closed = performance.now();
  return {
    wall: (closed - started) / 1000,
    commit: (closed - posted) / 1000,
    cpu: cpuSeconds(server.child.pid) - cpu0,
  };
}

// ---- raw better-sqlite3 baseline --------------------------------------------------------------

/** The same records into the same table layout (the server's migrations), one transaction. */
async function rawInsert(records, { preserialised }) {
  const { openDatabase } = await import(new URL('storage/sqlite/database.js', serverDist).href);
  const dir = mkdtempSync(join(tmpdir(), 'bbk-raw-'));
  const file = openDatabase(dir);
  try {
    const now = new Date().toISOString();
    file
      .prepare(`INSERT INTO entity_types (slug, name, description, created) VALUES ('country', 'C', 'C', ?)`)
      .run(now);
    file
      .prepare(
        `INSERT INTO connectors (slug, entity_type_id, contribution_id, name, description, webhook_secret, created)
         VALUES ('raw', 1, ?, 'raw', 'raw', 's', ?)`,
      )
      .run('a'.repeat(40), now);
    const insert = file.prepare(
      `INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 'country', ?, ?, jsonb(?))
       RETURNING seq`,
    );
    const geo = file.prepare(
      'INSERT INTO record_geo (min_x, max_x, min_y, max_y, record_seq, path) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const map = file.prepare('INSERT INTO record_geo_map (record_seq, geo_id) VALUES (?, ?)');
    const rows = preserialised
      ? records.map((r) => ({
          r,
          doc: JSON.stringify({
            id: r.id,
            name: r.name,
            entity: r.entity,
            instance: r.instance,
            type: 'country',
            timeseries,
          }),
          pid: createHash('sha1')
            .update(`${'a'.repeat(40)}:${r.id}`)
            .digest('hex'),
        }))
      : records.map((r) => ({ r }));
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    file.transaction(() => {
      for (const row of rows) {
        const { r } = row;
        const doc =
          row.doc ??
          JSON.stringify({
            id: r.id,
            name: r.name,
            entity: r.entity,
            instance: r.instance,
            type: 'country',
            timeseries,
          });
        const pid =
          row.pid ??
          createHash('sha1')
            .update(`${'a'.repeat(40)}:${r.id}`)
            .digest('hex');
        const { seq } = insert.get(pid, r.id, r.name, doc);
        const [x, y] = r.entity.location.coordinates;
        map.run(seq, geo.run(x, x, y, y, seq, 'entity.location').lastInsertRowid);
      }
    })();
    const cpu = process.cpuUsage(cpu0);
    return { wall: (performance.now() - started) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  } finally {
    file.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: { records: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '4' } },
  });
  const n = Number(values.records);
  const concurrency = Number(values.concurrency);
  if (!existsSync(new URL('index.js', serverDist))) throw new Error('build first: pnpm build');
  const undici = requireFromSdk('undici');
  requireFromServer.resolve('better-sqlite3');

  const records = generate(n);
  const batches = (list) => {
    const out = [];
    for (let i = 0; i < n; i += 250) out.push(JSON.stringify(list.slice(i, i + 250)));
    return out;
  };
  const bodies = batches(records);
  const changed = batches(generate(n, { revision: 1 }));
  const moved = batches(generate(n, { revision: 2, moved: true }));
  const bytes = bodies.reduce((s, b) => s + b.length, 0);

  const dir = mkdtempSync(join(tmpdir(), 'bbk-bench-'));
  const server = await startServerChild(import.meta.url, dir);
  const { urls } = server;
  const http = makeHttp(undici, concurrency);
  const rows = [];
  let rss = Number.NaN;
  try {
    const post = (path, body) => http.call('POST', `${urls.coordinator}${path}`, JSON.stringify(body));
    await post('/entity/country', { name: 'Countries', description: 'Bench', schema: countrySchema, timeseries });
    const webhook = 'http://127.0.0.1:9/hook';
    const { id: cid } = await post('/entity/country/connector/bench', { name: 'Bench', description: 'Bench', webhook });
    const warm = await post('/entity/country/connector/warmup', { name: 'Warm', description: 'Warm', webhook });
    await runSession(http, server, warm.id, 'stream', bodies.slice(0, 40), concurrency);

    const run = async (name, connector, mode, list) => {
      const r = await runSession(http, server, connector, mode, list, concurrency);
      rows.push({ name: mode === 'replace' ? `${name} (commit ${r.commit.toFixed(2)} s)` : name, ...r });
    };
    await run('HTTP stream, new records', cid, 'stream', bodies);
    await run('HTTP replace, unchanged', cid, 'replace', bodies);
    await run('HTTP replace, all changed', cid, 'replace', changed);
    await run('HTTP replace, all + geometry changed', cid, 'replace', moved);
    await run('HTTP stream, all + geometry changed', cid, 'stream', bodies);
    const { id: empty } = await post('/entity/country/connector/bench-first', {
      name: 'First',
      description: 'Bench',
      webhook,
    });
    await run('HTTP replace, first load', empty, 'replace', bodies);
  } finally {
    rss = memMb(server.child.pid, 'VmHWM');
    await http.close();
    server.child.stdin.end();
    await new Promise((r) => server.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }

  const raw = await rawInsert(records, { preserialised: false });
  const rawPre = await rawInsert(records, { preserialised: true });
  rows.push({ name: 'raw better-sqlite3: stringify, sha1, insert', ...raw });
  rows.push({ name: 'raw better-sqlite3: insert only (pre-serialised)', ...rawPre });

  const pad = (s, w) => String(s).padEnd(w);
  const lpad = (s, w) => String(s).padStart(w);
  console.log(
    `\nbbk contribution benchmark: ${n} records, ${(bytes / 1e6).toFixed(1)} MB of JSON, batches of 250, ${concurrency} calls in flight`,
  );
  console.log(
    `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  console.log(
    `${pad('run', 50)}${lpad('wall s', 8)}${lpad('records/s', 11)}${lpad('CPU s', 8)}${lpad('rec/CPU-s', 11)}`,
  );
  console.log('-'.repeat(88));
  for (const r of rows) {
    const line = `${pad(r.name, 50)}${lpad(r.wall.toFixed(2), 8)}${lpad(Math.round(n / r.wall), 11)}`;
    console.log(`${line}${lpad(r.cpu.toFixed(2), 8)}${lpad(Math.round(n / r.cpu), 11)}`);
  }
  console.log('-'.repeat(88));
  console.log(`server peak RSS: ${rss.toFixed(0)} MB`);
  const ratio = (a, b) => (n / a / (n / b)).toFixed(2);
  console.log(
    `HTTP stream / raw (stringify, sha1, insert): ${ratio(rows[0].wall, raw.wall)} wall, ${ratio(rows[0].cpu, raw.cpu)} CPU`,
  );
  console.log(
    `HTTP stream / raw (insert only):             ${ratio(rows[0].wall, rawPre.wall)} wall, ${ratio(rows[0].cpu, rawPre.cpu)} CPU`,
  );
}

await benchEntry(main);
