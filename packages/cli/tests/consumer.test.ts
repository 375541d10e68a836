import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  type CatalogExplain,
  type CatalogItem,
  ContributorClient,
  CoordinatorClient,
  type EntityDetail,
  type RecordInput,
  type TimeseriesPoint,
} from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/tests/harness.js';
import { bbk, cleanup, createOpenPolicy, DATA, normalise, type Run, urlFlags } from './helpers.js';

interface Country {
  id: string;
  name: string;
  entity: { continent: string; population: number; capital: string; code: string };
  _population: { from: number; value: number }[];
}

const countries = JSON.parse(readFileSync(join(DATA, 'country.json'), 'utf8')) as Country[];
const byId = new Map(countries.map((c) => [c.id, c]));
let server: TestServer;
let webhook: Server;
let consumerToken: string;
let coordinator: CoordinatorClient;
const ids = new Map<string, string>();

/** Runs a consumer command with the consumer token. */
const consume = (args: string[], token = consumerToken): Promise<Run> =>
  bbk([...args, ...urlFlags(server), '--token', token]);

/** A connector webhook serving the `_population` series of the example data (spec §5). */
function startWebhook(): Promise<string> {
  webhook = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const match = /^\/timeseries\/country\/([^/]+)\/population$/.exec(url.pathname);
    const country = match ? byId.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (!country) {
      res.writeHead(404).end();
      return;
    }
    const start = url.searchParams.get('start');
    const end = url.searchParams.get('end');
    const limit = Number(url.searchParams.get('limit') ?? 500);
    const points = country._population
      .map((p) => ({ from: new Date(Date.UTC(p.from, 0, 1)).toISOString(), value: p.value }))
      .filter((p) => (!start || p.from >= start) && (!end || p.from < end))
      .reverse()
      .slice(0, limit);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(points));
  });
  return new Promise((resolve) =>
    webhook.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(webhook.address() as AddressInfo).port}`)),
  );
}

beforeAll(async () => {
  server = await startTestServer({ mode: 'production' });
  coordinator = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  await coordinator.entityTypes.create('country', {
    name: 'Countries',
    description: 'All the countries',
    timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1' } },
  });
  const created = await coordinator.connectors.create('country', 'wikipedia', {
    name: 'Wikipedia',
    description: 'Facts',
    webhook: await startWebhook(),
  });
  await coordinator.connectors.promote('country', 'wikipedia');
  const contributor = new ContributorClient({ baseUrl: server.urls.contributor, token: created.token });
  const records: RecordInput[] = countries.map(({ id, name, entity }) => ({ id, name, entity }));
  await contributor.withSession(created.id, 'replace', async (session) => {
    for (const [vendor, publicId] of Object.entries(await session.upsert(records))) ids.set(vendor, publicId);
  });
  await contributor.close();
  await coordinator.policies.create('everything', {
    name: 'Everything',
    description: 'All countries, capitals hidden',
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { type: 'country' }, field_masks: ['country.entity.capital'] },
      legal_context: [{ type: 'attribution', text: 'Wikipedia', link: 'https://wikipedia.org' }],
    },
  });
  await coordinator.users.create({ name: 'Reader', email: 'reader@example.org', organization: 'Readers' });
  consumerToken = await coordinator.accesses.grant(2, 'everything');
});

afterAll(async () => {
  await coordinator.close();
  await server.destroy();
  await new Promise((resolve) => webhook.close(resolve));
  cleanup();
});

describe('bbk catalog', () => {
  it('queries with JSON: one page by default, everything with --all', async () => {
    const one = await consume(['catalog', 'query', '{"type":"country"}', '--limit', '50', '--json']);
    expect(one.code).toBe(0);
    expect(one.json<CatalogItem[]>()).toHaveLength(50);
    const all = await consume(['catalog', 'query', '{"type":"country"}', '--all', '--limit', '60', '--json']);
    expect(all.json<CatalogItem[]>().map((i) => i.id)).toEqual(countries.map((c) => ids.get(c.id)));
    expect(
      (await consume(['catalog', 'query', '{"type":"country"}', '--offset', '190', '--quiet'])).stdout
        .trim()
        .split('\n'),
    ).toHaveLength(9);
    const human = await consume(['catalog', 'query', '{"type":"country"}', '--limit', '3']);
    expect(normalise(human.stdout)).toMatchSnapshot();
  });

  it('builds queries from --type and --where conditions, ANDed with a JSON query', async () => {
    const expected = countries
      .filter((c) => c.entity.continent === 'Europe' && c.entity.population > 50_000_000)
      .map((c) => c.name)
      .sort();
    const r = await consume([
      'catalog',
      'query',
      '--type',
      'country',
      '--where',
      'entity.continent=Europe',
      '--where',
      'entity.population > 50000000',
      '--json',
    ]);
    expect(
      r
        .json<CatalogItem[]>()
        .map((i) => i.name)
        .sort(),
    ).toEqual(expected);
    const mixed = await consume([
      'catalog',
      'query',
      '{"entity.continent":"Europe"}',
      '--where',
      'entity.population>50000000',
      '--quiet',
    ]);
    expect(mixed.stdout.trim().split('\n')).toHaveLength(expected.length);
  });

  it('exits 2 on a query it cannot send, 6 on one the server rejects, 2 when none is given without a terminal', async () => {
    const notJson = await consume(['catalog', 'query', '{type:country}']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/not valid JSON/);
    const unknownOp = await consume(['catalog', 'query', '{"entity.area":{"$exists":true}}']);
    expect(unknownOp.code).toBe(2);
    expect(unknownOp.stderr).toContain('unknown operator $exists');
    const rejected = await consume(['catalog', 'query', '{"$and":[]}', '--json']);
    expect(rejected.code).toBe(6);
    expect(rejected.errorJson().error.items).toEqual([
      { name: 'policy.data_segment.segment_query', index: null, reason: 'Query cannot be parsed' },
    ]);
    const none = await consume(['catalog', 'query']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing required value: <query>');
    expect((await consume(['catalog', 'query', '{"type":"country"}', '--limit', '0'])).code).toBe(2);
  });

  it('bbk catalog explain shows how a list runs under a policy (Coordinator API), never its records', async () => {
    const admin = (args: string[]) => bbk([...args, ...urlFlags(server), '--token', server.adminToken]);
    const europe = countries.filter((c) => c.entity.continent === 'Europe').length;
    const e = await admin([
      'catalog',
      'explain',
      '--where',
      'entity.continent=Europe',
      '--policy',
      'Everything',
      '--json',
    ]);
    expect(e.code).toBe(0);
    const body = e.json<CatalogExplain>();
    expect(body.rows_returned).toBe(europe);
    expect(body.rows_examined).toBeGreaterThanOrEqual(europe);
    expect(body.sql).toMatch(/^SELECT /);
    expect(Object.keys(body).sort()).toEqual(
      ['automatic_indexes', 'indexes', 'ms', 'plan', 'rows_examined', 'rows_returned', 'sql', 'starts_at'].sort(),
    );
    const human = await admin(['catalog', 'explain', '{"entity.continent":"Europe"}', '--type', 'country']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Plan:\n {2}\S/);
    expect(human.stdout).toMatch(new RegExp(`Rows: \\d+ looked at, ${europe} returned, [0-9.]+ ms`));
    const deep = await admin(['catalog', 'explain', '--type', 'country', '--offset', '150', '--limit', '10', '--json']);
    expect(deep.json<CatalogExplain>().rows_returned).toBe(10);
    // nothing to explain, a bad page, a policy that does not exist, a consumer's token
    expect((await admin(['catalog', 'explain'])).code).toBe(2);
    expect((await admin(['catalog', 'explain', '--type', 'country', '--limit', 'x'])).code).toBe(2);
    expect((await admin(['catalog', 'explain', '{"name":"x"}', '--policy', 'nope'])).code).toBe(3);
    expect((await consume(['catalog', 'explain', '--type', 'country'])).code).toBe(4);
  });

  it('lists the entity types with visible records', async () => {
    expect((await consume(['catalog', 'types', '--quiet'])).stdout).toBe('country\n');
  });
});

describe('bbk entity get, timeseries get', () => {
  it('lists a type and reads one record, masks applied, legal notices shown', async () => {
    const list = await consume(['entity', 'get', 'country', '--all', '--json']);
    expect(list.json<CatalogItem[]>()).toHaveLength(199);
    const gb = await consume(['entity', 'get', 'country', ids.get('GB') ?? '', '--json']);
    const detail = gb.json<EntityDetail>();
    expect(detail).toMatchObject({ name: 'United Kingdom', entity: { code: 'GB' }, legal: [{ type: 'attribution' }] });
    expect(detail.entity).not.toHaveProperty('capital');
    expect(detail.timeseries.population?.url).toMatch(/\/timeseries\/population$/);
    const human = await consume(['entity', 'get', 'country', ids.get('AD') ?? '']);
    expect(normalise(human.stdout)).toMatchSnapshot();
    expect((await consume(['entity', 'get', 'country', 'f'.repeat(40)])).code).toBe(3);
  });

  it('reads a timeseries through the webhook: a range, a page, and --all', async () => {
    const id = ids.get('GB') ?? '';
    const range = await consume([
      'timeseries',
      'get',
      'country',
      id,
      'population',
      '--start',
      '2000-01-01',
      '--end',
      '2010-01-01',
      '--json',
    ]);
    expect(range.code).toBe(0);
    const points = range.json<TimeseriesPoint<number>[]>();
    expect(points.map((p) => p.from.slice(0, 4))).toEqual([
      '2009',
      '2008',
      '2007',
      '2006',
      '2005',
      '2004',
      '2003',
      '2002',
      '2001',
      '2000',
    ]);
    expect(points[0]?.value).toBe(byId.get('GB')?._population.find((p) => p.from === 2009)?.value);
    const all = await consume(['timeseries', 'get', 'country', id, 'population', '--all', '--limit', '7', '--json']);
    expect(all.json<TimeseriesPoint[]>()).toHaveLength(byId.get('GB')?._population.length ?? -1);
    const human = await consume([
      'timeseries',
      'get',
      'country',
      id,
      'population',
      '--start',
      '2015-01-01',
      '--limit',
      '3',
    ]);
    expect(normalise(human.stdout)).toMatchSnapshot();
    expect((await consume(['timeseries', 'get', 'country', id, 'population', '--end', '2000-01-01'])).code).toBe(2);
    expect((await consume(['timeseries', 'get', 'country', id, 'population', '--start', 'yesterday'])).code).toBe(6);
    expect((await consume(['timeseries', 'get', 'country', id, 'nope'])).code).toBe(3);
  });
});

describe('consumer failures', () => {
  it('exits 7 when the quota is spent', async () => {
    await coordinator.policies.create('tiny', {
      name: 'Tiny',
      description: 'One call a day',
      policy: {
        access_control: { enabled: true, quota: { max_number: 1, interval_type: 'day' } },
        data_segment: { segment_query: { type: 'country' } },
        legal_context: [],
      },
    });
    const token = await coordinator.accesses.grant(2, 'tiny');
    expect((await consume(['catalog', 'types', '--quiet'], token)).code).toBe(0);
    const limited = await consume(['catalog', 'types'], token);
    expect(limited.code).toBe(7);
    expect(limited.stderr).toMatch(/429 Too Many Requests/);
  });

  it('exits 4 once the access is revoked', async () => {
    await coordinator.accesses.revoke(2, 'everything');
    expect((await consume(['catalog', 'types'])).code).toBe(4);
  });

  it('takes the policy from --audience in development mode', async () => {
    const dev = await startTestServer({ mode: 'development' });
    try {
      await createOpenPolicy(dev.urls.coordinator);
      const withAudience = await bbk([
        'catalog',
        'query',
        '{"type":"country"}',
        '--audience',
        'open',
        '--json',
        ...urlFlags(dev),
      ]);
      expect(withAudience.code).toBe(0);
      expect(withAudience.json()).toEqual([]);
      const fromEnv = await bbk(['catalog', 'types', '--json', ...urlFlags(dev)], { env: { BBK_AUDIENCE: 'open' } });
      expect(fromEnv.code).toBe(0);
      const without = await bbk(['catalog', 'types', ...urlFlags(dev)]);
      expect(without.code).toBe(4);
    } finally {
      await dev.destroy();
    }
  });
});
