import { ConsumerClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContributorEnv, contributorEnv, makeConnector, rec, type TestConnector } from './contributor-setup.js';

// What consumers see (spec §3.5, §4.1), read through the real Consumer API.
let env: ContributorEnv;
let consumer: ConsumerClient;
let n = 0;

const names = async (type: string, client = consumer) => (await client.entities(type)).map((i) => i.name);
/** A fresh live connector under its own entity type, so lists show only its records. */
async function live(): Promise<TestConnector> {
  const eid = `vis-${++n}`;
  const c = await makeConnector(env, eid, `vis-conn-${n}`, { name: 'V', description: 'V', schema: {}, timeseries: {} });
  await env.coord.connectors.promote(eid, c.slug);
  return c;
}

beforeAll(async () => {
  env = await contributorEnv();
  await env.coord.policies.create('everything', {
    name: 'Everything',
    description: 'All records',
    policy: {
      access_control: { enabled: false },
      data_segment: { segment_query: { name: { $regex: '.' } } },
      legal_context: [],
    },
  });
  consumer = new ConsumerClient({ baseUrl: env.server.urls.consumer, audience: 'everything' });
});
afterAll(async () => {
  await consumer.close();
  await env.close();
});

describe('consumer visibility of contributions', () => {
  it('stream: visible as each call is answered', async () => {
    const c = await live();
    const sid = await env.contrib.openSession(c.cid, 'stream');
    await env.contrib.upsert(c.cid, sid, [rec('a')]);
    expect(await names(c.eid)).toEqual(['Name a']);
    await env.contrib.upsert(c.cid, sid, [rec('b')]);
    expect(await names(c.eid)).toEqual(['Name a', 'Name b']);
    await env.contrib.closeSession(c.cid, sid, false);
    expect(await names(c.eid)).toEqual(['Name a', 'Name b']);
  });

  it('accrue: invisible until commit, discarded on rollback', async () => {
    const c = await live();
    const s1 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s1, [rec('a')]);
    expect(await names(c.eid)).toEqual([]);
    await env.contrib.closeSession(c.cid, s1, true);
    expect(await names(c.eid)).toEqual(['Name a']);
    const s2 = await env.contrib.openSession(c.cid, 'accrue');
    await env.contrib.upsert(c.cid, s2, [rec('b')]);
    await env.contrib.closeSession(c.cid, s2, false);
    expect(await names(c.eid)).toEqual(['Name a']);
  });

  it('replace: previous data until commit, then only the new set; the detail answers by public id', async () => {
    const c = await live();
    await env.contrib.contribute(c.cid, 'stream', [rec('old')]);
    const sid = await env.contrib.openSession(c.cid, 'replace');
    const report = await env.contrib.upsert(c.cid, sid, [rec('new', { area: 4 }, { note: 'x' })]);
    expect(await names(c.eid)).toEqual(['Name old']);
    await env.contrib.closeSession(c.cid, sid, true);
    const items = await consumer.entities(c.eid);
    expect(items.map((i) => [i.id, i.name])).toEqual([[report.new, 'Name new']]);
    const detail = await consumer.entity(c.eid, report.new!);
    expect(detail).toMatchObject({
      id: report.new,
      type: c.eid,
      name: 'Name new',
      entity: { code: 'AA', area: 4 },
      instance: { note: 'x' },
    });
  });

  it('staged connectors: stored but invisible, unless named in x-bbk-connectors; promotion flips it', async () => {
    const eid = `vis-${++n}`;
    const c = await makeConnector(env, eid, `vis-staged-${n}`, {
      name: 'V',
      description: 'V',
      schema: {},
      timeseries: {},
    });
    await env.contrib.contribute(c.cid, 'stream', [rec('s')]);
    expect(await names(eid)).toEqual([]);
    const preview = new ConsumerClient({
      baseUrl: env.server.urls.consumer,
      audience: 'everything',
      connectors: [c.cid],
    });
    try {
      expect(await names(eid, preview)).toEqual(['Name s']);
    } finally {
      await preview.close();
    }
    await env.coord.connectors.promote(eid, c.slug);
    expect(await names(eid)).toEqual(['Name s']);
    await env.coord.connectors.demote(eid, c.slug);
    expect(await names(eid)).toEqual([]);
  });
});
