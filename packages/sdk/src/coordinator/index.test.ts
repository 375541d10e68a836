import { describe, expect, it } from 'vitest';
import type { HttpClient, HttpRequest, HttpResponse } from '../client.js';
import { BbkNetworkError } from '../errors.js';
import { CoordinatorClient } from './index.js';

/** Records requests and answers each with the next canned response (no server logic). */
function recorder(answers: Partial<HttpResponse>[] = []) {
  const requests: HttpRequest[] = [];
  const http: HttpClient = {
    baseUrl: 'http://h/v1',
    async request<T>(req: HttpRequest) {
      requests.push(req);
      const a = answers.shift() ?? {};
      return {
        status: 200,
        headers: {},
        body: undefined,
        location: undefined,
        method: req.method,
        url: 'u',
        ...a,
      } as HttpResponse<T>;
    },
    async close() {},
  };
  return { client: new CoordinatorClient({ http }), requests };
}

const sent = (requests: HttpRequest[]) => requests.map((r) => `${r.method} ${r.path}`);

describe('CoordinatorClient paths', () => {
  it('maps user and access methods', async () => {
    const { client, requests } = recorder();
    await client.users.list();
    await client.users.get(2);
    await client.users.getByEmail('A+b@c.io');
    await client.users.update(2, { name: 'A', organization: 'O' });
    await client.users.delete(2);
    await client.users.demote(2);
    await client.accesses.list(2);
    await client.accesses.get(2, 'p/1');
    await client.accesses.revoke(2, 'p1');
    expect(sent(requests)).toEqual([
      'GET /user',
      'GET /user/2',
      'GET /user/email/A%2Bb%40c.io',
      'PUT /user/2',
      'DELETE /user/2',
      'DELETE /user/2/coordinator',
      'GET /user/2/access',
      'GET /user/2/access/p%2F1',
      'DELETE /user/2/access/p1',
    ]);
    expect(requests[3]?.body).toEqual({ name: 'A', organization: 'O' });
  });

  it('maps entity type, connector, policy and search methods', async () => {
    const { client, requests } = recorder();
    const input = { name: 'n', description: 'd' };
    await client.entityTypes.list();
    await client.entityTypes.get('country');
    await client.entityTypes.update('country', input);
    await client.entityTypes.delete('country');
    await client.connectors.list('country');
    await client.connectors.get('country', 'wiki');
    await client.connectors.create('country', 'wiki', input);
    await client.connectors.update('country', 'wiki', { ...input, webhook: null });
    await client.connectors.delete('country', 'wiki');
    await client.connectors.promote('country', 'wiki');
    await client.connectors.demote('country', 'wiki');
    await client.policies.list();
    await client.policies.get('p1');
    await client.policies.delete('p1');
    await client.policies.accessControl('p1');
    await client.search.organizations('bit');
    await client.search.entityTags('geo');
    await client.search.policyTags('x');
    await client.announce();
    expect(sent(requests)).toEqual([
      'GET /entity',
      'GET /entity/country',
      'PUT /entity/country',
      'DELETE /entity/country',
      'GET /entity/country/connector',
      'GET /entity/country/connector/wiki',
      'POST /entity/country/connector/wiki',
      'PUT /entity/country/connector/wiki',
      'DELETE /entity/country/connector/wiki',
      'POST /entity/country/connector/wiki/live',
      'DELETE /entity/country/connector/wiki/live',
      'GET /policy',
      'GET /policy/p1',
      'DELETE /policy/p1',
      'GET /policy/p1/access-control',
      'GET /search/user/organization',
      'GET /search/entity/tags',
      'GET /search/policy/tags',
      'GET ',
    ]);
    expect(requests[15]?.query).toEqual({ q: 'bit' });
  });
});

describe('CoordinatorClient results', () => {
  it('reads the new user id from Location', async () => {
    const { client, requests } = recorder([{ status: 201, location: 'http://h/v1/user/7' }, { body: { id: 7 } }]);
    expect(await client.users.createAndGet({ name: 'A', email: 'a@b.io', organization: 'O' })).toEqual({ id: 7 });
    expect(sent(requests)).toEqual(['POST /user', 'GET /user/7']);
  });

  it('fails clearly when a user create has no usable Location', async () => {
    const { client } = recorder([{ status: 201 }]);
    await expect(client.users.create({ name: 'A', email: 'a@b.io', organization: 'O' })).rejects.toBeInstanceOf(
      BbkNetworkError,
    );
  });

  it('returns slug ids and locations for entity types and policies', async () => {
    const location = 'http://h/v1/entity/country';
    const { client } = recorder([
      { status: 201, location },
      { status: 201, location: 'http://h/v1/policy/p1' },
    ]);
    expect(await client.entityTypes.create('Country', { name: 'n', description: 'd' })).toEqual({
      id: 'country',
      location,
    });
    const policy = { access_control: { enabled: false }, data_segment: { segment_query: {} }, legal_context: [] };
    expect(await client.policies.create('p1', { name: 'n', description: 'd', policy })).toEqual({
      id: 'p1',
      location: 'http://h/v1/policy/p1',
    });
  });

  it('returns token text for promote, grant and reissue', async () => {
    const { client, requests } = recorder([{ body: 'a.b.c\n' }, { status: 201, body: 'd.e.f' }, { body: 'g.h.i' }]);
    expect(await client.users.promote(2)).toBe('a.b.c');
    expect(await client.accesses.grant(2, 'p1')).toBe('d.e.f');
    expect(await client.accesses.reissue(2, 'p1')).toBe('g.h.i');
    expect(sent(requests)).toEqual(['POST /user/2/coordinator', 'POST /user/2/access/p1', 'PUT /user/2/access/p1']);
    expect(requests.every((r) => r.body === undefined)).toBe(true);
  });

  it('rejects an empty token answer', async () => {
    const { client } = recorder([{ body: undefined }]);
    await expect(client.users.promote(2)).rejects.toBeInstanceOf(BbkNetworkError);
  });

  it('passes the connector create body through', async () => {
    const created = { id: 'a'.repeat(40), token: 't.o.k', webhook_secret: 's' };
    const { client } = recorder([{ status: 201, body: created }]);
    expect(await client.connectors.create('country', 'wiki', { name: 'n', description: 'd' })).toEqual(created);
  });
});

describe('CoordinatorClient audit', () => {
  const entry = (seq: number) => ({ seq });

  it('sends the filters as query text and pages forward by seq until a short page', async () => {
    const { client, requests } = recorder([
      { body: [entry(1), entry(2)] },
      { body: [entry(3), entry(4)] },
      { body: [entry(5)] },
      { body: { intact: true, entries: 5, head: 'h' } },
    ]);
    const seen: number[] = [];
    for await (const page of client.audit.pages({ actor: 'coordinator', since: '2025-01-01', limit: 2 }))
      seen.push(...page.map((e) => e.seq));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(requests.map((r) => [r.path, r.query])).toEqual([
      ['/audit', { actor: 'coordinator', since: '2025-01-01', limit: '2', order: 'asc' }],
      ['/audit', { actor: 'coordinator', since: '2025-01-01', limit: '2', after: '2', order: 'asc' }],
      ['/audit', { actor: 'coordinator', since: '2025-01-01', limit: '2', after: '4', order: 'asc' }],
    ]);
    expect(await client.audit.verify()).toEqual({ intact: true, entries: 5, head: 'h' });
    expect(sent(requests).at(-1)).toBe('GET /audit/verify');
  });
});
