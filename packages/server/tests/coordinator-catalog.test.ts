import { CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let coord: CoordinatorClient;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  base = server.urls.coordinator;
  coord = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
});
afterAll(async () => {
  await coord.close();
  await server.destroy();
});

const country = {
  name: 'Countries',
  description: 'All the countries in the world',
  schema: { type: 'object', properties: { code: { type: 'string' } }, required: ['code'] },
  timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1000' } },
  tags: ['geo', 'world'],
};

const policyBody = (extra: Record<string, unknown> = {}) => ({
  name: 'Everything',
  description: 'All the data',
  tags: ['open'],
  policy: {
    access_control: { enabled: true, quota: { max_number: 1000, interval_type: 'day' }, rate: 10 },
    data_segment: { segment_query: { type: 'country' }, field_masks: ['country.entity.code'] },
    legal_context: [{ type: 'license', text: 'CC-BY', link: 'https://creativecommons.org/licenses/by/4.0/' }],
    ...extra,
  },
});

describe('entity types', () => {
  it('creates with 201 + Location, detail and list shapes', async () => {
    const res = await call(`${base}/entity/Country`, { method: 'POST', body: country });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${base}/entity/Country`);
    const detail = await coord.entityTypes.get('country');
    expect(detail).toEqual({
      id: 'country',
      url: `${base}/entity/country`,
      name: 'Countries',
      description: 'All the countries in the world',
      icon: '',
      tags: ['geo', 'world'],
      schema: country.schema,
      timeseries: country.timeseries,
    });
    expect(await coord.entityTypes.list()).toEqual([
      {
        id: 'country',
        url: `${base}/entity/country`,
        name: 'Countries',
        description: country.description,
        icon: '',
        tags: ['geo', 'world'],
      },
    ]);
  });

  it('409 on an existing slug, 400 on a bad slug', async () => {
    expect((await call(`${base}/entity/country`, { method: 'POST', body: country })).status).toBe(409);
    const bad = await call(`${base}/entity/a!`, { method: 'POST', body: country });
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { message: Array<{ name: string }> } }).error.message.map((m) => m.name)).toContain(
      'slug',
    );
  });

  it('rejects unusable JSON schemas but accepts unknown keywords', async () => {
    const bad = await call(`${base}/entity/bad-schema`, {
      method: 'POST',
      body: { ...country, timeseries: {}, schema: { type: null } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: { message: [{ name: 'schema', index: null, reason: 'is not valid JSON schema' }] },
    });
    const ok = await call(`${base}/entity/odd-schema`, {
      method: 'POST',
      body: { ...country, timeseries: {}, schema: { type: 'foobar' } },
    });
    expect(ok.status).toBe(201);
    await coord.entityTypes.delete('odd-schema');
  });

  it('updates (204) and 404s for unknown types', async () => {
    await coord.entityTypes.update('country', { ...country, icon: 'globe' });
    expect((await coord.entityTypes.get('country')).icon).toBe('globe');
    expect((await call(`${base}/entity/nothing`, { method: 'PUT', body: country })).status).toBe(404);
    expect((await call(`${base}/entity/nothing`)).status).toBe(404);
    expect((await call(`${base}/entity/nothing`, { method: 'DELETE' })).status).toBe(404);
  });

  it('searches tags', async () => {
    expect(await coord.search.entityTags('GE')).toEqual(['geo']);
  });
});

describe('connectors', () => {
  let first: { id: string; token: string };

  it('requires a webhook when the type declares timeseries', async () => {
    const res = await call(`${base}/entity/country/connector/wiki`, {
      method: 'POST',
      body: { name: 'Wiki', description: 'd' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: {
        message: [
          { name: 'webhook', index: null, reason: 'You must supply a webhook when entity types contain timeseries' },
        ],
      },
    });
  });

  it('creates: 201, Location, {id, token}; detail and list shapes', async () => {
    const res = await call(`${base}/entity/country/connector/wiki`, {
      method: 'POST',
      body: { name: 'Wiki', description: 'From wikipedia', webhook: 'http://localhost:9999/' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${base}/entity/country/connector/wiki`);
    first = res.json as { id: string; token: string };
    expect(first.id).toMatch(/^[a-f0-9]{40}$/);
    expect(first.token.startsWith('contributor.')).toBe(true);
    const detail = await coord.connectors.get('country', 'wiki');
    expect(detail).toMatchObject({
      id: 'wiki',
      url: `${base}/entity/country/connector/wiki`,
      name: 'Wiki',
      description: 'From wikipedia',
      entity: { id: 'country', url: `${base}/entity/country` },
      contribution_id: first.id,
      webhook: 'http://localhost:9999',
      cache: 0,
      is_live: false,
      in_session: false,
    });
    expect(await coord.connectors.list('country')).toEqual([
      {
        id: 'wiki',
        url: `${base}/entity/country/connector/wiki`,
        name: 'Wiki',
        description: 'From wikipedia',
        // bbk extension (docs/DECISIONS.md, token lifetimes): no expiry given, never used
        expires: null,
        last_used: null,
      },
    ]);
  });

  it('connector slugs are unique across the instance (409, not 500)', async () => {
    await coord.entityTypes.create('city', { name: 'Cities', description: 'Cities' });
    const res = await call(`${base}/entity/city/connector/wiki`, {
      method: 'POST',
      body: { name: 'W', description: 'd' },
    });
    expect(res.status).toBe(409);
  });

  it('promotes and demotes live idempotently', async () => {
    expect((await call(`${base}/entity/country/connector/wiki/live`, { method: 'POST' })).status).toBe(204);
    expect((await call(`${base}/entity/country/connector/wiki/live`, { method: 'POST' })).status).toBe(204);
    expect((await coord.connectors.get('country', 'wiki')).is_live).toBe(true);
    await coord.connectors.demote('country', 'wiki');
    expect((await coord.connectors.get('country', 'wiki')).is_live).toBe(false);
  });

  it('a re-created connector gets the same contribution id', async () => {
    await coord.connectors.delete('country', 'wiki');
    const again = await coord.connectors.create('country', 'wiki', {
      name: 'Other name',
      description: 'x',
      webhook: 'http://localhost:9999',
    });
    expect(again.id).toBe(first.id);
    expect(again.token).not.toBe(first.token);
  });

  it('checks in the documented order', async () => {
    // 400 body → 404 entity type
    expect((await call(`${base}/entity/nope/connector/abc`, { method: 'POST', body: {} })).status).toBe(400);
    expect(
      (await call(`${base}/entity/nope/connector/abc`, { method: 'POST', body: { name: 'a', description: 'b' } }))
        .status,
    ).toBe(404);
    expect((await call(`${base}/entity/nope/connector/abc`)).status).toBe(404);
    expect((await call(`${base}/entity/country/connector/abc`)).status).toBe(404);
    expect((await call(`${base}/entity/country/connector/abc/live`, { method: 'POST' })).status).toBe(404);
    // PUT: 400 → 404 type → 400 webhook → 404 connector
    expect(
      (await call(`${base}/entity/country/connector/abc`, { method: 'PUT', body: { name: 'a', description: 'b' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(`${base}/entity/country/connector/abc`, {
          method: 'PUT',
          body: { name: 'a', description: 'b', webhook: 'http://x.io' },
        })
      ).status,
    ).toBe(404);
  });

  it('rejects a non-string webhook without a 500', async () => {
    const res = await call(`${base}/entity/city/connector/bad-hook`, {
      method: 'POST',
      body: { name: 'a', description: 'b', webhook: 5 },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { message: [{ name: 'webhook', reason: 'is not of a type(s) string,null' }] },
    });
  });
});

describe('policies and accesses', () => {
  it('creates, shows, lists and returns the stored access_control', async () => {
    const res = await call(`${base}/policy/everything`, { method: 'POST', body: policyBody() });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${base}/policy/everything`);
    const detail = await coord.policies.get('everything');
    expect(detail).toEqual({ id: 'everything', url: `${base}/policy/everything`, ...policyBody() });
    expect(await coord.policies.list()).toEqual([
      {
        id: 'everything',
        url: `${base}/policy/everything`,
        name: 'Everything',
        description: 'All the data',
        tags: ['open'],
      },
    ]);
    expect(await coord.policies.accessControl('everything')).toEqual(policyBody().policy.access_control);
    expect((await call(`${base}/policy/everything`, { method: 'POST', body: policyBody() })).status).toBe(409);
  });

  it('validates the segment query with the consumer query validator, error last', async () => {
    const res = await call(`${base}/policy/bad-query`, {
      method: 'POST',
      body: {
        ...policyBody(),
        name: '',
        policy: { ...policyBody().policy, data_segment: { segment_query: { $where: 'x' } } },
      },
    });
    expect(res.status).toBe(400);
    const items = (res.json as { error: { message: Array<{ name: string; reason: string }> } }).error.message;
    expect(items[0]!.name).toBe('name');
    expect(items.at(-1)).toEqual({
      name: 'policy.data_segment.segment_query',
      index: null,
      reason: 'Query contains unrecognised operations',
    });
  });

  it('requires legal_context', async () => {
    const body = policyBody();
    const { legal_context: _, ...rest } = body.policy;
    const res = await call(`${base}/policy/no-legal`, { method: 'POST', body: { ...body, policy: rest } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({
      error: { message: [{ name: 'policy', reason: 'requires property "legal_context"' }] },
    });
  });

  it('grants, lists, reissues and revokes accesses', async () => {
    const user = await coord.users.create({ name: 'Dan', email: 'dan@x.io', organization: 'X' });
    const res = await call(`${base}/user/${user.id}/access/everything`, { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${base}/user/${user.id}/access/everything`);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text.startsWith('consumer.')).toBe(true);
    expect((await call(`${base}/user/${user.id}/access/everything`, { method: 'POST' })).status).toBe(409);
    const item = await coord.accesses.get(user.id, 'everything');
    expect(item).toMatchObject({
      id: 'everything',
      url: `${base}/user/${user.id}/access/everything`,
      policy: { id: 'everything', url: `${base}/policy/everything` },
    });
    expect(new Date(item.created).toISOString()).toBe(item.created);
    expect(await coord.accesses.list(user.id)).toEqual([item]);
    expect((await coord.users.get(user.id)).accesses).toEqual([
      { id: 'everything', url: `${base}/user/${user.id}/access/everything` },
    ]);
    const reissued = await call(`${base}/user/${user.id}/access/everything`, { method: 'PUT' });
    expect(reissued.status).toBe(200);
    expect(reissued.text).not.toBe(res.text);
    // order of checks: 404 policy → 404 user → 409
    expect((await call(`${base}/user/999/access/nothing`, { method: 'POST' })).status).toBe(404);
    expect((await call(`${base}/user/abc/access/everything`, { method: 'POST' })).status).toBe(404);
    expect((await call(`${base}/user/abc/access/everything`)).status).toBe(404);
    await coord.accesses.revoke(user.id, 'everything');
    expect(await coord.accesses.list(user.id)).toEqual([]);
  });

  it('updates and deletes policies; delete removes accesses', async () => {
    await coord.policies.update('everything', { ...policyBody(), name: 'All' } as never);
    expect((await coord.policies.get('everything')).name).toBe('All');
    const user = await coord.users.create({ name: 'Eve', email: 'eve@x.io', organization: 'X' });
    await coord.accesses.grant(user.id, 'everything');
    await coord.policies.delete('everything');
    expect(await coord.accesses.list(user.id)).toEqual([]);
    expect((await call(`${base}/policy/everything`)).status).toBe(404);
    expect((await call(`${base}/policy/everything`, { method: 'PUT', body: policyBody() })).status).toBe(404);
  });

  it('entity type delete cascades to connectors', async () => {
    await coord.entityTypes.delete('country');
    expect((await call(`${base}/entity/country/connector/wiki`)).status).toBe(404);
    // the slug is free again
    await coord.entityTypes.create('country', { name: 'C', description: 'C' });
    await coord.connectors.create('country', 'wiki', { name: 'W', description: 'd' });
  });
});
