import { BbkApiError, CoordinatorClient } from '@bbk/sdk';
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

const alice = { name: 'Alice', email: 'Alice@Domain.com', organization: 'Acme' };

describe('users', () => {
  it('has the bootstrap user 1 as coordinator', async () => {
    const u = await coord.users.get(1);
    expect(u).toEqual({
      id: 1,
      url: `${base}/user/1`,
      name: 'Admin',
      email: 'noreply@bit-broker.io',
      organization: 'BitBroker',
      coordinator: true,
      accesses: [],
      addendum: {},
    });
  });

  it('creates with 201 and Location = resource/{id}, email lower-cased', async () => {
    const res = await call(`${base}/user`, { method: 'POST', body: alice });
    expect(res.status).toBe(201);
    expect(res.text).toBe('');
    expect(res.headers.get('location')).toBe(`${base}/user/2`);
    const u = await coord.users.get(2);
    expect(u.email).toBe('alice@domain.com');
    expect(u.coordinator).toBe(false);
  });

  it('409 on a duplicate email, case-insensitively', async () => {
    const res = await call(`${base}/user`, { method: 'POST', body: { ...alice, email: 'ALICE@domain.com' } });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: { code: 409, status: 'Conflict', message: '' } });
  });

  it('validates the body with every violation listed', async () => {
    const res = await call(`${base}/user`, { method: 'POST', body: { name: null, email: 'foo@bar' } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: {
        code: 400,
        status: 'Bad Request',
        message: [
          { name: 'name', index: null, reason: 'does not meet minimum length of 1' },
          { name: 'email', index: null, reason: 'does not conform to the "email" format' },
          { name: 'organization', index: null, reason: 'does not meet minimum length of 1' },
        ],
      },
    });
  });

  it('finds by email case-insensitively', async () => {
    const u = await coord.users.getByEmail('ALICE@domain.COM');
    expect(u.id).toBe(2);
  });

  it('lists ordered by id', async () => {
    const list = await coord.users.list();
    expect(list.map((u) => u.id)).toEqual([1, 2]);
    expect(list[1]).toEqual({
      id: 2,
      url: `${base}/user/2`,
      name: 'Alice',
      email: 'alice@domain.com',
      organization: 'Acme',
      coordinator: false,
      accesses: [],
    });
  });

  it('updates name, organization and addendum but never the email', async () => {
    await coord.users.update(2, {
      name: 'Alice B',
      organization: 'Acme Ltd',
      addendum: { x: 1 },
      email: 'new@x.io',
    } as never);
    const u = await coord.users.get(2);
    expect(u).toMatchObject({
      name: 'Alice B',
      organization: 'Acme Ltd',
      addendum: { x: 1 },
      email: 'alice@domain.com',
    });
    await coord.users.update(2, { name: 'Alice', organization: 'Acme' });
    expect((await coord.users.get(2)).addendum).toEqual({});
  });

  it('404 for malformed and unknown uids, before body validation', async () => {
    expect((await call(`${base}/user/1.1`)).status).toBe(404);
    expect((await call(`${base}/user/123456789`)).status).toBe(404);
    expect((await call(`${base}/user/999`, { method: 'PUT', body: { name: 'x', organization: 'y' } })).status).toBe(
      404,
    );
    expect((await call(`${base}/user/abc`, { method: 'PUT', body: {} })).status).toBe(404);
    expect((await call(`${base}/user/999`, { method: 'PUT', body: {} })).status).toBe(400);
  });

  it('promotes (200, token text) and demotes with the 409 rules', async () => {
    const res = await call(`${base}/user/2/coordinator`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]+$/);
    expect(res.text.startsWith('coordinator.')).toBe(true);
    expect((await coord.users.get(2)).coordinator).toBe(true);
    expect((await call(`${base}/user/2/coordinator`, { method: 'POST' })).status).toBe(409);
    expect((await call(`${base}/user/1/coordinator`, { method: 'POST' })).status).toBe(409);
    expect((await call(`${base}/user/2/coordinator`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${base}/user/2/coordinator`, { method: 'DELETE' })).status).toBe(409);
  });

  it('never reuses an id', async () => {
    const created = await coord.users.create({ name: 'Bob', email: 'bob@x.io', organization: 'X' });
    expect(created.id).toBe(3);
    await coord.users.delete(3);
    const again = await coord.users.create({ name: 'Carol', email: 'carol@x.io', organization: 'X' });
    expect(again.id).toBe(4);
    await expect(coord.users.get(3)).rejects.toMatchObject({ status: 404 });
  });

  it('searches organizations by literal, case-insensitive prefix', async () => {
    expect((await coord.search.organizations('bit')).sort()).toEqual(['BitBroker']);
    expect((await coord.search.organizations('ac')).sort()).toEqual(['Acme']);
    expect(await coord.search.organizations('.*')).toEqual([]);
    const bad = await call(`${base}/search/user/organization?q=`);
    expect(bad.status).toBe(400);
    expect((bad.json as { error: { message: Array<{ name: string }> } }).error.message[0]!.name).toBe('search');
    expect((await call(`${base}/search/user/organization?q=${'a'.repeat(17)}`)).status).toBe(400);
  });

  it('throws typed errors from the SDK', async () => {
    const err = await coord.users.get(999).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BbkApiError);
    expect((err as BbkApiError).status).toBe(404);
  });
});

// last: it takes a user id, which the tests above count
describe('text fields', () => {
  it('an unpaired surrogate in a text field is stored as U+FFFD, one for one, on every engine', async () => {
    const raw = '{"name":"A\\ud800B","email":"lone@example.com","organization":"O\\udc00"}';
    const res = await call(`${base}/user`, {
      method: 'POST',
      rawBody: raw,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(201);
    const id = Number(res.headers.get('location')!.split('/').pop());
    const u = await coord.users.get(id);
    expect([u.name, u.organization]).toEqual(['A\ufffdB', 'O\ufffd']);
    await coord.users.delete(id);
  });
});

describe('ids "." and ".." through the SDK', () => {
  it('reach the server as ids (never the parent path): a revoke of access ".." deletes no user', async () => {
    const { id } = await coord.users.create({ name: 'Dot', email: 'dot@example.com', organization: 'O' });
    for (const pid of ['..', '.']) {
      const err = await coord.accesses.revoke(id, pid).catch((e: unknown) => e);
      expect(err, pid).toBeInstanceOf(BbkApiError);
      expect([400, 404]).toContain((err as BbkApiError).status);
    }
    expect((await coord.users.get(id)).email).toBe('dot@example.com');
    const asType = await coord.entityTypes.get('..').catch((e: unknown) => e);
    expect(asType).toBeInstanceOf(BbkApiError);
    await coord.users.delete(id);
  });
});
