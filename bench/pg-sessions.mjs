#!/usr/bin/env node
// The PostgreSQL store's sessions alone (no HTTP): a session of N country-like records posted in calls of 250, then
// closed with commit, twice (first load, then the same records again), per build. For before/after figures of the
// write path in one run: `--dist` takes several `packages/server/dist/` directories (default: this checkout's).
//
//   pnpm build && node bench/pg-sessions.mjs --database postgres://… [--records 2000] [--mode replace|stream|accrue]
//                                            [--dist /tmp/base/packages/server/dist,packages/server/dist]
//
// Each build gets a fresh schema (dropped afterwards). Not a test: it prints one line per session.
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { rawPgStore, serverDist } from './lib.mjs';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    records: { type: 'string', default: '2000' },
    mode: { type: 'string', default: 'replace' },
    dist: { type: 'string' },
  },
});
const url = values.database ?? process.env.BBK_DATABASE_URL;
if (!url) throw new Error('--database postgres://… (or BBK_DATABASE_URL) is required');
const n = Number(values.records);
const dists = values.dist ? values.dist.split(',').map((d) => pathToFileURL(`${resolve(d)}/`)) : [serverDist];

const records = Array.from({ length: n }, (_, i) => {
  const doc = {
    id: `X-${i}`,
    name: `N ${i}`,
    entity: { code: 'XX', population: i, location: { type: 'Point', coordinates: [i % 90, i % 45] } },
    type: 'country',
    timeseries: {},
  };
  const geo = [{ path: 'entity.location', bbox: [i % 90, i % 45, i % 90, i % 45] }];
  // as the sessions service prepares it (`preparedGeometries`; builds before stop 28 read no `shapes`)
  const shapes = [{ path: 'entity.location', geometry: doc.entity.location }];
  const publicId = createHash('sha1').update(`a:${doc.id}`).digest('hex');
  return { vendorId: doc.id, publicId, name: doc.name, doc: JSON.stringify(doc), geo: JSON.stringify(geo), shapes };
});

console.log(`${n} records, ${values.mode} sessions, load average ${loadavg()[0].toFixed(1)}`);
for (const dist of dists) {
  const { store, close } = await rawPgStore(dist, url);
  try {
    for (const round of ['first load', 'same records again']) {
      const sid = `s-${round}`;
      await store.records.openSession(1, sid, values.mode);
      const t0 = performance.now();
      for (let i = 0; i < n; i += 250) await store.records.upsert(1, sid, 'country', records.slice(i, i + 250));
      const t1 = performance.now();
      await store.records.closeSession(1, sid, 'country', true);
      const t2 = performance.now();
      console.log(
        `${dist.pathname}: ${round}: upserts ${(t1 - t0).toFixed(0)} ms, close (commit) ${(t2 - t1).toFixed(0)} ms`,
      );
    }
  } finally {
    await close();
  }
}
