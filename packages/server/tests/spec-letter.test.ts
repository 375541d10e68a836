import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerEnv, consumerEnv, publicId } from './consumer-setup.js';
import { call } from './harness.js';

/**
 * The spec to the letter (issue 13): the order of every list (§2.3–§2.7, §4.1)
 * and the `segment_query` check of a policy body (§2.6, §4.3). Items are always
 * created in an order other than the one the list must show.
 */

let env: ConsumerEnv;
let coordinator: string;

beforeAll(async () => {
  env = await consumerEnv();
  coordinator = env.server.urls.coordinator;
});
afterAll(async () => {
  await env.close();
});

type Item = { id: string | number; url: string };
type Problem = { name: string; index: number | null; reason: string };

const ids = async (url: string, headers: Record<string, string> = {}) => {
  const res = await call(url, { headers });
  expect(res.status).toBe(200);
  return (res.json as Item[]).map((i) => i.id);
};
const problems = (res: { json: unknown }) => (res.json as { error: { message: Problem[] } }).error.message;

const policyBody = (segment: unknown, extra: Record<string, unknown> = {}) => ({
  name: 'Policy',
  description: 'A policy',
  policy: {
    access_control: { enabled: false },
    data_segment: { segment_query: segment },
    legal_context: [],
  },
  ...extra,
});

describe('coordinator lists (spec §2.3–§2.7)', () => {
  it('entity types are ordered by slug, not by creation', async () => {
    for (const eid of ['zebra', 'alpha', 'mango']) await env.entityType(eid);
    expect(await ids(`${coordinator}/entity`)).toEqual(['alpha', 'mango', 'zebra']);
    // an update does not move a type either
    await env.coord.entityTypes.update('alpha', { name: 'Renamed', description: 'still alpha' });
    expect(await ids(`${coordinator}/entity`)).toEqual(['alpha', 'mango', 'zebra']);
  });

  it('connectors are ordered by slug', async () => {
    for (const slug of ['zulu-feed', 'alpha-feed', 'kilo-feed']) await env.connector('mango', slug, { live: false });
    expect(await ids(`${coordinator}/entity/mango/connector`)).toEqual(['alpha-feed', 'kilo-feed', 'zulu-feed']);
  });

  it('policies are ordered by slug', async () => {
    for (const pid of ['zz-policy', 'aa-policy', 'mm-policy']) await env.policy(pid, { segment: { type: 'mango' } });
    expect(await ids(`${coordinator}/policy`)).toEqual(['aa-policy', 'mm-policy', 'zz-policy']);
  });

  it('users are ordered by id, whatever their names', async () => {
    const created: number[] = [];
    for (const name of ['Zoe', 'Adam', 'Mia']) {
      const res = await call(`${coordinator}/user`, {
        method: 'POST',
        body: { name, email: `${name.toLowerCase()}@example.org`, organization: 'Org' },
      });
      expect(res.status).toBe(201);
      created.push(Number(res.headers.get('location')?.split('/').pop()));
    }
    const listed = await ids(`${coordinator}/user`);
    expect(listed).toEqual([...listed].sort((a, b) => Number(a) - Number(b)));
    expect(listed.slice(-3)).toEqual(created);
    // an update keeps the place
    await call(`${coordinator}/user/${created[0]}`, { method: 'PUT', body: { name: 'Aaron', organization: 'Org' } });
    expect((await ids(`${coordinator}/user`)).slice(-3)).toEqual(created);
  });

  it('accesses are listed in creation order, not by policy slug', async () => {
    const res = await call(`${coordinator}/user`, {
      method: 'POST',
      body: { name: 'Holder', email: 'holder@example.org', organization: 'Org' },
    });
    const uid = res.headers.get('location')?.split('/').pop();
    for (const pid of ['zz-policy', 'aa-policy', 'mm-policy']) {
      expect((await call(`${coordinator}/user/${uid}/access/${pid}`, { method: 'POST' })).status).toBe(201);
    }
    expect(await ids(`${coordinator}/user/${uid}/access`)).toEqual(['zz-policy', 'aa-policy', 'mm-policy']);
    // a reissue keeps the access's place; a deleted and re-granted one moves to the end
    expect((await call(`${coordinator}/user/${uid}/access/zz-policy`, { method: 'PUT' })).status).toBe(200);
    expect(await ids(`${coordinator}/user/${uid}/access`)).toEqual(['zz-policy', 'aa-policy', 'mm-policy']);
    expect((await call(`${coordinator}/user/${uid}/access/aa-policy`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${coordinator}/user/${uid}/access/aa-policy`, { method: 'POST' })).status).toBe(201);
    expect(await ids(`${coordinator}/user/${uid}/access`)).toEqual(['zz-policy', 'mm-policy', 'aa-policy']);
  });
});

describe('consumer lists (spec §4.1)', () => {
  it('/entity is ordered by slug; instance lists by catalog insertion order', async () => {
    const zebra = await env.connector('zebra', 'zebra-source');
    const alpha = await env.connector('alpha', 'alpha-source');
    await env.upsert(zebra, [{ id: 'z1', name: 'Zed', entity: {} }]);
    await env.upsert(alpha, [
      { id: 'z', name: 'Zulu', entity: {} },
      { id: 'a', name: 'Alpha', entity: {} },
      { id: 'm', name: 'Mike', entity: {} },
    ]);
    await env.upsert(alpha, [{ id: 'a', name: 'Alpha again', entity: { updated: true } }]); // keeps its place
    await env.policy('everything', { segment: {} });
    const audience = { 'x-bbk-audience': 'everything' };
    expect(await ids(`${env.base}/entity`, audience)).toEqual(['alpha', 'zebra']);
    const expected = ['z', 'a', 'm'].map((v) => publicId(alpha.cid, v));
    expect(await ids(`${env.base}/entity/alpha`, audience)).toEqual(expected);
    const q = encodeURIComponent(JSON.stringify({ type: { $in: ['alpha', 'zebra'] } }));
    expect(await ids(`${env.base}/catalog?q=${q}`, audience)).toEqual([publicId(zebra.cid, 'z1'), ...expected]);
  });
});

describe('policy segment_query (spec §2.6, §4.3)', () => {
  const NAME = 'policy.data_segment.segment_query';
  const typeItem: Problem = { name: NAME, index: null, reason: 'is not of a type(s) object' };
  const queryItem = (reason: string): Problem => ({ name: NAME, index: null, reason });

  /** The reason a consumer `q` of the same JSON value gets, or null when that `q` is accepted. */
  const consumerReason = async (value: unknown): Promise<string | null> => {
    const res = await call(`${env.base}/catalog?q=${encodeURIComponent(JSON.stringify(value))}`, {
      headers: { 'x-bbk-audience': 'aa-policy' },
    });
    if (res.status === 200) return null;
    expect(res.status).toBe(400);
    const items = problems(res);
    expect(items).toHaveLength(1);
    expect(items[0]!.name).toBe(NAME);
    return items[0]!.reason;
  };

  const cases: Array<[string, unknown, string | null]> = [
    ['a string', 'x', 'Query cannot be parsed'],
    ['a string holding a query', '{"type":"country"}', 'Query cannot be parsed'],
    ['an empty string', '', 'Query cannot be parsed'],
    ['a string naming an unknown operation', '$foo', 'Query contains unrecognised operations'],
    ['a number', 5, 'Query cannot be parsed'],
    ['a fraction', 1.5, 'Query cannot be parsed'],
    ['true', true, 'Query cannot be parsed'],
    ['false', false, 'Query cannot be parsed'],
    ['null', null, 'Query cannot be parsed'],
    ['a non-empty array', [{ type: 'country' }], 'Query cannot be parsed'],
    ['an empty array (a query that matches nothing)', [], null],
  ];

  it.each(cases)('%s: the type item, then the reason a consumer q of that value gets', async (_, value, reason) => {
    expect(await consumerReason(value)).toBe(reason);
    const expected = reason === null ? [typeItem] : [typeItem, queryItem(reason)];
    const post = await call(`${coordinator}/policy/bad-segment`, { method: 'POST', body: policyBody(value) });
    expect(post.status).toBe(400);
    expect(problems(post)).toEqual(expected);
    // PUT: on an existing policy, and before the 404 of an unknown one (§2.2)
    for (const pid of ['aa-policy', 'no-such-policy']) {
      const put = await call(`${coordinator}/policy/${pid}`, { method: 'PUT', body: policyBody(value) });
      expect(put.status).toBe(400);
      expect(problems(put)).toEqual(expected);
    }
    expect((await call(`${coordinator}/policy/bad-segment`)).status).toBe(404);
  });

  it('keeps the other schema items and reports the query item last', async () => {
    const body = policyBody('{"type":"country"}', { name: '' });
    (body.policy as Record<string, unknown>).legal_context = undefined;
    for (const [method, pid] of [
      ['POST', 'bad-segment'],
      ['PUT', 'aa-policy'],
    ] as const) {
      const res = await call(`${coordinator}/policy/${pid}`, { method, body });
      expect(res.status).toBe(400);
      const items = problems(res);
      expect(items[0]).toEqual({ name: 'name', index: null, reason: 'does not meet minimum length of 1' });
      expect(items).toContainEqual({ name: 'policy', index: null, reason: 'requires property "legal_context"' });
      expect(items).toContainEqual(typeItem);
      expect(items.at(-1)).toEqual(queryItem('Query cannot be parsed'));
    }
  });

  it('an object query is still accepted and applied', async () => {
    const res = await call(`${coordinator}/policy/aa-policy`, {
      method: 'PUT',
      body: policyBody({ type: 'zebra' }),
    });
    expect(res.status).toBe(204);
    expect(await ids(`${env.base}/entity`, { 'x-bbk-audience': 'aa-policy' })).toEqual(['zebra']);
  });
});
