import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { loadCountries } from '@bbk/example-countries';
import { HERITAGE_CATEGORIES, loadHeritageSites } from '@bbk/example-heritage-sites';
import { BbkApiError, ConsumerClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EUROPE, POPULATION_THRESHOLD } from '../src/commands/demo/catalog.js';
import type { DemoReady } from '../src/commands/demo/index.js';
import { baseEnv, bbk, CLI, cleanup } from './helpers.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let child: ChildProcess;
let ready: DemoReady;
let stderr = '';

/** Starts `bbk demo --json` as a real process (the built CLI) and reads the one-line report. */
beforeAll(async () => {
  child = spawn(
    process.execPath,
    [CLI, 'demo', '--json', '--coordinator-port', '0', '--contributor-port', '0', '--consumer-port', '0'],
    { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  ready = await new Promise<DemoReady>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)) as DemoReady);
    });
    child.once('exit', (code) => reject(new Error(`bbk demo exited early (${code}): ${stderr}`)));
  });
}, 120_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  cleanup();
});

const consumerOf = (policy: string) => {
  const found = ready.consumers.find((c) => c.policy.id === policy);
  if (!found) throw new Error(`no consumer on policy ${policy}`);
  return { ...found, client: new ConsumerClient({ baseUrl: ready.urls.consumer, token: found.token }) };
};

async function visibleIds(client: ConsumerClient, type: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const item of client.entitiesAll(type)) ids.add(item.id);
  return ids;
}

const contribution = (slug: string) => ready.connectors.find((c) => c.slug === slug)?.contributionId ?? '';
const countryIds = (filter: (c: ReturnType<typeof loadCountries>[number]) => boolean) =>
  new Set(
    loadCountries()
      .filter(filter)
      .map((c) => sha1(`${contribution('countries')}:${c.id}`)),
  );

/** Ray casting: is the point inside the ring (planar, as `$within`). */
function inside([x, y]: [number, number], ring: [number, number][]): boolean {
  let result = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) result = !result;
  }
  return result;
}

describe('bbk demo (a real process)', () => {
  it("serves the web console and links its explorer as the open policy's consumer", async () => {
    const everything = consumerOf('everything');
    expect(ready.urls.console).toBe(ready.urls.coordinator.replace(/\/v1$/, '/console/'));
    expect(ready.explorer).toBe(`${ready.urls.console}#/explore?token=${encodeURIComponent(everything.token)}`);
    const config = await fetch(new URL('config.json', ready.urls.console));
    expect(await config.json()).toMatchObject({ consumer: ready.urls.consumer, mode: 'production' });
    await everything.client.close();
  });

  it('reports a production server, three live connectors and a token per access', () => {
    expect(ready.mode).toBe('production');
    expect(ready.temporary).toBe(true);
    expect(ready.connectors.map((c) => [c.slug, c.records])).toEqual([
      ['countries', 199],
      ['unesco-cultural', 814],
      ['unesco-natural', 203],
    ]);
    expect(ready.consumers.map((c) => c.policy.id).sort()).toEqual([
      'countries-masked',
      'european-heritage',
      'everything',
      'over-100-million',
    ]);
    for (const consumer of ready.consumers) expect(consumer.queries.length).toBeGreaterThanOrEqual(3);
  });

  it('everything: all countries and sites, country links rewritten to consumer URLs', async () => {
    const { client } = consumerOf('everything');
    expect((await client.entityTypes()).map((t) => t.id)).toEqual(['country', 'heritage-site']);
    expect((await visibleIds(client, 'country')).size).toBe(199);
    expect((await visibleIds(client, 'heritage-site')).size).toBe(1017);
    const [etna] = await client.catalog({ type: 'heritage-site', name: 'Mount Etna' });
    const detail = await client.entity<{ country: string }>('heritage-site', etna?.id ?? '');
    expect(detail.entity.country).toBe(
      `${ready.urls.consumer}/entity/country/${sha1(`${contribution('countries')}:IT`)}`,
    );
    await client.close();
  });

  it('countries-masked: every country, masked fields gone from catalog data and webhook data alike', async () => {
    const { client } = consumerOf('countries-masked');
    expect((await client.entityTypes()).map((t) => t.id)).toEqual(['country']);
    expect(await visibleIds(client, 'country')).toEqual(countryIds(() => true));
    const gb = await client.entity('country', sha1(`${contribution('countries')}:GB`));
    expect(gb.entity).toMatchObject({ capital: 'London', population_latest: expect.any(Object) });
    expect(gb.entity).not.toHaveProperty('calling_code');
    expect(gb.entity).not.toHaveProperty('currency');
    expect(gb.instance).toHaveProperty('retrieved');
    expect(gb.instance).not.toHaveProperty('wikidata');
    const everything = consumerOf('everything').client;
    const unmasked = await everything.entity('country', gb.id);
    expect(unmasked.entity).toHaveProperty('currency');
    expect(unmasked.instance).toHaveProperty('wikidata');
    await Promise.all([client.close(), everything.close()]);
  });

  it('over-100-million: exactly the countries above the threshold, with their population timeseries', async () => {
    const { client, sample } = consumerOf('over-100-million');
    const expected = countryIds((c) => c.entity.population > POPULATION_THRESHOLD);
    expect(expected.size).toBe(12);
    expect(await visibleIds(client, 'country')).toEqual(expected);
    await expect(client.entity('country', sha1(`${contribution('countries')}:GB`))).rejects.toMatchObject({
      status: 404,
    });
    const points = await client.timeseries('country', sample?.id ?? '', 'population', { limit: 3 });
    expect(points).toHaveLength(3);
    expect(Date.parse(points[0]?.from ?? '')).toBeGreaterThan(Date.parse(points[1]?.from ?? ''));
    await client.close();
  });

  it('european-heritage: exactly the sites inside the polygon, and a rate limit', async () => {
    const { client } = consumerOf('european-heritage');
    const expected = new Set(
      HERITAGE_CATEGORIES.flatMap((category) =>
        loadHeritageSites(category)
          .filter((site) => inside(site.entity.location.coordinates, EUROPE))
          .map((site) => sha1(`${contribution(`unesco-${category}`)}:${site.id}`)),
      ),
    );
    expect(expected.size).toBeGreaterThan(100);
    expect(expected.size).toBeLessThan(1017);
    await sleep(1100);
    expect((await client.entityTypes()).map((t) => t.id)).toEqual(['heritage-site']);
    expect(await visibleIds(client, 'heritage-site')).toEqual(expected);
    // the rate (5 a second) is counted per clock second: the burst starts just after one begins, and a burst that
    // a loaded machine stretches over the next second may be admitted 5 more times for each second it reaches
    await sleep(1000 - (Date.now() % 1000) + 1010);
    const first = Math.floor(Date.now() / 1000);
    const burst = await Promise.allSettled(Array.from({ length: 12 }, () => client.entityTypes()));
    const seconds = Math.floor(Date.now() / 1000) - first + 1;
    const limited = burst.filter(
      (r) => r.status === 'rejected' && r.reason instanceof BbkApiError && r.reason.status === 429,
    );
    expect(limited.length).toBeGreaterThanOrEqual(Math.max(0, 12 - 5 * seconds));
    await client.close();
  });

  it('prints queries that work as pasted: every curl and every bbk command', async () => {
    await sleep(1100);
    for (const consumer of ready.consumers) {
      for (const query of consumer.queries) {
        const url = /'(http[^']+)'$/.exec(query.curl)?.[1] ?? '';
        const res = await fetch(url, { headers: { 'x-bbk-auth-token': consumer.token } });
        expect(res.status, `${consumer.policy.id}: ${query.curl}`).toBe(200);
        const args = (query.bbk.match(/'[^']*'|\S+/g) ?? []).slice(1).map((arg) => arg.replace(/^'|'$/g, ''));
        const result = await bbk([...args, '--json']);
        expect([result.code, result.stderr], query.bbk).toEqual([0, '']);
        expect(result.json(), query.bbk).toBeTruthy();
        if (consumer.policy.id === 'european-heritage') await sleep(1100);
      }
    }
  }, 120_000);

  it('stops cleanly on SIGTERM and removes its temporary data', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(ready.dataDir)).toBe(false);
  });
});
