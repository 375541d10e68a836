// `?fields=` on GET /catalog and GET /entity/:type (bbk extension, docs/CONSUMER.md): stored values in the list
// items, with the policy's segment and masks applied exactly as in the detail.
import type { CatalogItem, ConsumerClient, RecordInput } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId, type TestConnector } from './consumer-setup.js';
import { call } from './harness.js';

const site = (id: string, name: string, lon: number, lat: number, kind: string): RecordInput => ({
  id,
  name,
  entity: {
    kind,
    location: { type: 'Point', coordinates: [lon, lat] },
    meta: { keeper: `keeper of ${name}`, secret: `secret of ${name}`, tags: [{ t: 'a', hidden: 1 }] },
  },
  instance: { visited: 2020 },
});

// 30 sites (12 castles): enough for paging
const SITES = Array.from({ length: 30 }, (_, i) =>
  site(`S${i}`, `Site ${i}`, -10 + i, 40 + i / 10, i % 5 < 2 ? 'castle' : 'abbey'),
);

let env: ConsumerEnv;
let live: TestConnector;

beforeAll(async () => {
  env = await consumerEnv();
  await env.entityType('site');
  await env.entityType('other');
  live = await env.connector('site', 'heritage');
  const staged = await env.connector('site', 'draft', { live: false });
  const others = await env.connector('other', 'others');
  await env.upsert(live, SITES);
  await env.upsert(staged, [site('Z', 'Staged site', 0, 0, 'castle')]);
  await env.upsert(others, [{ id: 'O1', name: 'Other', entity: { location: { type: 'Point', coordinates: [1, 2] } } }]);
  await env.policy('all', { segment: { type: { $in: ['site', 'other'] } } });
  await env.policy('castles-hidden-location', {
    segment: { 'entity.kind': 'castle' },
    masks: ['site.location', 'site.meta.secret', 'site.entity.meta.tags.hidden', 'other.location'],
  });
  await env.policy('partly', { segment: { type: 'site' }, masks: ['site.location.coordinates'] });
});
afterAll(async () => {
  await env.close();
});

const field = (items: CatalogItem[], path: string) => items.map((i) => i.fields?.[path]);

describe('fields in the list items', () => {
  let all: ConsumerClient;
  beforeAll(() => {
    all = env.consumer({ audience: 'all' });
  });

  it('carries each asked path the record has, as the detail shows it', async () => {
    const items = await all.catalog(
      { type: 'site' },
      { fields: ['entity.location', 'instance.visited', 'entity.nope'] },
    );
    expect(items).toHaveLength(30);
    for (const item of items) {
      const detail = await all.entity(item.type, item.id);
      expect(item.fields).toEqual({ 'entity.location': detail.entity.location, 'instance.visited': 2020 });
    }
    expect(items[3]!.fields).toEqual({
      'entity.location': { type: 'Point', coordinates: [-7, 40.3] },
      'instance.visited': 2020,
    });
  });

  it('reads nested paths and array indexes', async () => {
    const [first] = await all.catalog(
      { name: 'Site 0' },
      { fields: ['entity.location.coordinates.1', 'entity.meta.tags.0.t', 'entity.meta.keeper'] },
    );
    expect(first!.fields).toEqual({
      'entity.location.coordinates.1': 40,
      'entity.meta.tags.0.t': 'a',
      'entity.meta.keeper': 'keeper of Site 0',
    });
  });

  it('is absent without the parameter, and `{}` for a record that has none of the paths', async () => {
    const [plain] = await all.catalog({ type: 'site' }, { limit: 1 });
    expect(plain).not.toHaveProperty('fields');
    const [other] = await all.entities('other', { fields: ['entity.kind'] });
    expect(other!.fields).toEqual({});
  });

  it('pages like the list without fields, on /catalog and /entity/:type', async () => {
    const ids = (await all.catalog({ type: 'site' })).map((i) => i.id);
    const paged: CatalogItem[] = [];
    for (let offset = 0; offset < 30; offset += 7)
      paged.push(...(await all.catalog({ type: 'site' }, { limit: 7, offset, fields: ['entity.location'] })));
    expect(paged.map((i) => i.id)).toEqual(ids);
    expect(paged.every((i) => i.fields?.['entity.location'] !== undefined)).toBe(true);

    const byType: CatalogItem[] = [];
    for await (const page of all.entitiesPages('site', { pageSize: 8, fields: ['entity.kind'] })) byType.push(...page);
    expect(byType.map((i) => i.id)).toEqual(ids);
    expect(field(byType, 'entity.kind')).toEqual(SITES.map((s) => s.entity.kind));
  });

  it('never lists staged records (no x-bbk-connectors)', async () => {
    const items = await all.catalog({ 'entity.kind': 'castle' }, { fields: ['entity.location'] });
    expect(items.map((i) => i.name)).not.toContain('Staged site');
  });
});

describe('the policy applies exactly', () => {
  it('out-of-segment records are not listed, masked paths are absent, masked parts are cut out', async () => {
    const c = env.consumer({ audience: 'castles-hidden-location' });
    const items = await c.catalog(
      { type: { $in: ['site', 'other'] } },
      { fields: ['entity.location', 'entity.location.coordinates', 'entity.meta', 'entity.kind'] },
    );
    expect(items.map((i) => i.name)).toEqual(SITES.filter((s) => s.entity.kind === 'castle').map((s) => s.name));
    for (const item of items) {
      expect(item.fields).not.toHaveProperty(['entity.location']);
      expect(item.fields).not.toHaveProperty(['entity.location.coordinates']);
      expect(item.fields?.['entity.meta']).toEqual({ keeper: `keeper of ${item.name}`, tags: [{ t: 'a' }] });
      expect(item.fields?.['entity.kind']).toBe('castle');
      const detail = await c.entity('site', item.id);
      expect(detail.entity.meta).toEqual(item.fields?.['entity.meta']);
    }
    expect(JSON.stringify(items)).not.toContain('secret of');
    expect(JSON.stringify(items)).not.toContain('hidden');
    // the masked path of another type's mask: `other` is out of this segment, and its location masked anyway
    expect(await c.entities('other', { fields: ['entity.location'] })).toEqual([]);
  });

  it('a whole section (`entity`) is the detail’s section without the webhook, masks applied', async () => {
    const c = env.consumer({ audience: 'castles-hidden-location' });
    const items = await c.entities('site', { limit: 3, fields: ['entity', 'instance'] });
    expect(items).toHaveLength(3);
    for (const item of items) {
      const detail = await c.entity('site', item.id);
      expect(item.fields).toEqual({ entity: detail.entity, instance: detail.instance });
      expect(item.fields?.entity).not.toHaveProperty('location');
      expect(item.fields?.entity).toMatchObject({ kind: 'castle', meta: { tags: [{ t: 'a' }] } });
    }
  });

  it('a mask under the asked path removes that part of the value only', async () => {
    const c = env.consumer({ audience: 'partly' });
    const [first] = await c.entities('site', { limit: 1, fields: ['entity.location'] });
    expect(first!.fields).toEqual({ 'entity.location': { type: 'Point' } });
    expect(first!.id).toBe(publicId(live.cid, 'S0'));
  });
});

describe('a bad fields parameter is a 400 in the standard body', () => {
  const raw = async (path: string) => {
    const res = await call(`${env.base}${path}`, { headers: { 'x-bbk-audience': 'all' } });
    expect(res.status).toBe(400);
    return (res.json as { error: { code: number; message: unknown } }).error;
  };
  const q = encodeURIComponent(JSON.stringify({ type: 'site' }));

  it('names the path by its position', async () => {
    const error = await raw(`/catalog?q=${q}&fields=entity.location,name,entity..x`);
    expect(error.code).toBe(400);
    const reason = 'does not match pattern "^(entity|instance)(\\.[^.,]+)*$"';
    expect(error.message).toEqual([
      { name: 'fields', index: 1, reason },
      { name: 'fields', index: 2, reason },
    ]);
    expect((await raw('/entity/site?fields=timeseries.population')).message).toEqual([
      { name: 'fields', index: 0, reason },
    ]);
  });

  it('limits the number and length of paths, listed with the paging errors', async () => {
    const many = Array.from({ length: 17 }, (_, i) => `entity.f${i}`).join(',');
    expect((await raw(`/entity/site?fields=${many}&limit=0`)).message).toEqual([
      { name: 'limit', index: null, reason: 'must be greater than or equal to 1' },
      { name: 'fields', index: null, reason: 'has more than 16 paths' },
    ]);
    expect((await raw(`/catalog?q=${q}&fields=entity.${'x'.repeat(300)}`)).message).toEqual([
      { name: 'fields', index: 0, reason: 'does not meet maximum length of 256' },
    ]);
  });

  it('an empty fields is the same as none', async () => {
    const res = await call(`${env.base}/entity/site?limit=1&fields=`, { headers: { 'x-bbk-audience': 'all' } });
    expect(res.status).toBe(200);
    expect((res.json as object[])[0]).not.toHaveProperty('fields');
  });
});
