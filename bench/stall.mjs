#!/usr/bin/env node
// How long can one request hold up the others? Runs each heavy operation against the built
// server (in a child process) while a probe asks the consumer announce every 10 ms, and
// prints the probe's latency (p50, p99, max) during each operation next to how long the
// operation itself took. A server that never stalls shows probe figures of a few ms whatever
// the operation costs. Options: --records N (default 100000).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchEntry, exampleCountries, startServerChild } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const json = { 'content-type': 'application/json' };

async function request(url, init = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Runs `work` while probing `probeUrl` every 10 ms; resolves with both figures. */
async function measure(name, probeUrl, work) {
  const samples = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const t = performance.now();
      await fetch(probeUrl).then((r) => r.text());
      samples.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const started = performance.now();
  await work();
  const took = performance.now() - started;
  running = false;
  await probe;
  samples.sort((a, b) => a - b);
  const f = (v) => v.toFixed(1).padStart(8);
  console.log(
    `${name.padEnd(44)} ${f(took)} ms   probe p50 ${f(percentile(samples, 50))}  p99 ${f(percentile(samples, 99))}  max ${f(samples.at(-1) ?? 0)} ms  (${samples.length} probes)`,
  );
}

async function main() {
  const total = arg('records', 100_000);
  const countries = exampleCountries() ?? [{ id: 'x', name: 'X', entity: {} }];
  const dir = mkdtempSync(join(tmpdir(), 'bbk-stall-'));
  const { child, urls } = await startServerChild(import.meta.url, dir);
  const probeUrl = `${urls.consumer}/`;
  try {
    console.log(`bench/stall: ${total} country-shaped records; probe = GET consumer announce every 10 ms`);
    await request(`${urls.coordinator}/entity/country`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'Countries', description: 'c' }),
    });
    const open = async (c, mode) => request(`${urls.contributor}/connector/${c.id}/session/open/${mode}`);
    const connector = async (slug) => {
      const c = await request(`${urls.coordinator}/entity/country/connector/${slug}`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: slug, description: slug }),
      });
      await request(`${urls.coordinator}/entity/country/connector/${slug}/live`, { method: 'POST' });
      return c;
    };
    const batch = (k, size = 250) =>
      Array.from({ length: size }, (_, i) => {
        const c = countries[(k * size + i) % countries.length];
        return { ...c, id: `${k}-${i}`, name: `${c.name} ${k}-${i}` };
      });
    const load = async (c, mode, count) => {
      const sid = await open(c, mode);
      for (let k = 0; k < count / 250; k++) {
        await request(`${urls.contributor}/connector/${c.id}/session/${sid}/upsert`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify(batch(k)),
        });
      }
      return sid;
    };
    const main = await connector('main');
    await measure(`stream ${total} records`, probeUrl, () => load(main, 'stream', total));
    await request(`${urls.coordinator}/policy/all`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'all',
        description: 'all',
        policy: { access_control: { enabled: false }, data_segment: { segment_query: {} }, legal_context: [] },
      }),
    });
    const consumer = { 'x-bbk-audience': 'all' };
    const q = (query) => `${urls.consumer}/catalog?q=${encodeURIComponent(JSON.stringify(query))}`;
    await measure('regex on name matching nothing (full scan)', probeUrl, () =>
      request(q({ name: { $regex: 'zzq$', $options: 'i' } }), { headers: consumer }),
    );
    await measure(`page at offset ${total - 250}`, probeUrl, () =>
      request(`${urls.consumer}/entity/country?offset=${total - 250}`, { headers: consumer }),
    );
    // indexes that build themselves: three queries on a path, then the build on the writer thread
    const built = async (path) => {
      for (;;) {
        const e = await request(`${urls.coordinator}/catalog?explain=true&type=country`);
        if (e.automatic_indexes.some((a) => a.path === path)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await measure('automatic index (3 queries, then the build)', probeUrl, async () => {
      for (let i = 0; i < 3; i++) await request(q({ 'entity.capital': `x${i}` }), { headers: consumer });
      await built('entity.capital');
    });
    await measure('trigram index of names (3 regexes, the build)', probeUrl, async () => {
      for (let i = 0; i < 3; i++)
        await request(q({ name: { $regex: `zzq${i}$`, $options: 'i' } }), { headers: consumer });
      await built('name');
    });
    const streaming = await open(main, 'stream');
    await measure('upsert of 250 while an index builds', probeUrl, async () => {
      for (let i = 0; i < 3; i++) await request(q({ 'entity.currency.code': `x${i}` }), { headers: consumer });
      await request(`${urls.contributor}/connector/${main.id}/session/${streaming}/upsert`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(batch(0)),
      });
    });
    const wide = {};
    for (let i = 0; i < 250; i++) wide[`p${i}`] = { type: 'string', minLength: 1, maxLength: 64 };
    await measure('entity type with a 250-property schema', probeUrl, () =>
      request(`${urls.coordinator}/entity/wide`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ name: 'Wide', description: 'w', schema: { properties: wide } }),
      }),
    );
    const big = { ...countries[0], entity: { ...countries[0].entity, blob: 'x'.repeat(380_000) } };
    const body = JSON.stringify(Array.from({ length: 250 }, (_, i) => ({ ...big, id: `big-${i}` })));
    const side = await connector('side');
    const sid = await open(side, 'stream');
    await measure(`one ${(body.length / 1e6).toFixed(0)} MB upsert`, probeUrl, () =>
      request(`${urls.contributor}/connector/${side.id}/session/${sid}/upsert`, {
        method: 'POST',
        headers: json,
        body,
      }),
    );
    const replace = await connector('replace');
    const rsid = await load(replace, 'replace', total);
    await measure(`replace commit of ${total} records`, probeUrl, () =>
      request(`${urls.contributor}/connector/${replace.id}/session/${rsid}/close/true`),
    );
    await measure(`connector delete with ${total} records`, probeUrl, () =>
      request(`${urls.coordinator}/entity/country/connector/replace`, { method: 'DELETE' }),
    );
    await measure(`entity type delete with ${total} records`, probeUrl, () =>
      request(`${urls.coordinator}/entity/country`, { method: 'DELETE' }),
    );
  } finally {
    child.stdin.end();
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await benchEntry(main);
