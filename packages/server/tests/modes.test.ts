import { CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueBootstrapToken } from '../src/index.js';
import { call, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer({ mode: 'production' });
  base = server.urls.coordinator;
});
afterAll(() => server.destroy());

const unauthorized = { error: { code: 401, status: 'Unauthorized', message: '' } };
const forbidden = { error: { code: 403, status: 'Forbidden', message: '' } };

describe('production mode', () => {
  it('prints a bootstrap token once, in the three-part format', () => {
    expect(server.bootstrapToken).toMatch(/^coordinator\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('requires a token on every route, announce included', async () => {
    for (const url of [
      server.urls.coordinator,
      server.urls.contributor,
      server.urls.consumer,
      `${base}/user`,
      `${base}/nothing`,
    ]) {
      const res = await call(url);
      expect(res.status).toBe(401);
      expect(res.json).toEqual(unauthorized);
    }
    expect((await call(`${base}/user`, { token: 'coordinator.abc.def' })).status).toBe(401);
    expect((await call(`${base}/user`, { token: `${server.adminToken}x` })).status).toBe(401);
    const ok = await call(base, { token: server.adminToken });
    expect(ok.status).toBe(200);
    expect((ok.json as { status: string }).status).toBe('production');
  });

  it('opens each API only to its own kind of token', async () => {
    expect((await call(server.urls.consumer, { token: server.adminToken })).status).toBe(401);
    expect((await call(server.urls.contributor, { token: server.adminToken })).status).toBe(401);
  });

  it('hides internal error text and the error test route', async () => {
    expect((await call(`${base}/error/test`, { token: server.adminToken })).status).toBe(404);
  });

  it('revokes on demotion (403 on the next request) and forbids self-demotion/deletion', async () => {
    const admin = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
    const bob = await admin.users.create({ name: 'Bob', email: 'bob@x.io', organization: 'X' });
    const bobToken = await admin.users.promote(bob.id);
    expect((await call(`${base}/user`, { token: bobToken })).status).toBe(200);
    // self rules: 405
    expect((await call(`${base}/user/${bob.id}/coordinator`, { method: 'DELETE', token: bobToken })).status).toBe(405);
    expect((await call(`${base}/user/${bob.id}`, { method: 'DELETE', token: bobToken })).status).toBe(405);
    await admin.users.demote(bob.id);
    const res = await call(`${base}/user`, { token: bobToken });
    expect(res.status).toBe(403);
    expect(res.json).toEqual(forbidden);
    // promote again, then deleting the user revokes its coordinator token too
    const again = await admin.users.promote(bob.id);
    await admin.users.delete(bob.id);
    expect((await call(`${base}/user`, { token: again })).status).toBe(403);
    await admin.close();
  });

  it('rescinds consumer tokens on reissue, access delete, user delete and policy delete', async () => {
    const admin = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
    await admin.policies.create('all', {
      name: 'All',
      description: 'All',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'country' } },
        legal_context: [],
      },
    } as never);
    const carol = await admin.users.create({ name: 'Carol', email: 'carol@x.io', organization: 'X' });
    const t1 = await admin.accesses.grant(carol.id, 'all');
    expect((await call(server.urls.consumer, { token: t1 })).status).toBe(200);
    const t2 = await admin.accesses.reissue(carol.id, 'all');
    expect((await call(server.urls.consumer, { token: t1 })).status).toBe(403);
    expect((await call(server.urls.consumer, { token: t2 })).status).toBe(200);
    await admin.accesses.revoke(carol.id, 'all');
    expect((await call(server.urls.consumer, { token: t2 })).status).toBe(403);
    const t3 = await admin.accesses.grant(carol.id, 'all');
    await admin.policies.delete('all');
    expect((await call(server.urls.consumer, { token: t3 })).status).toBe(403);
    // re-creating the policy id never revives old tokens
    await admin.policies.create('all', {
      name: 'All',
      description: 'All',
      policy: {
        access_control: { enabled: false },
        data_segment: { segment_query: { type: 'country' } },
        legal_context: [],
      },
    } as never);
    expect((await call(server.urls.consumer, { token: t3 })).status).toBe(403);
    const t4 = await admin.accesses.grant(carol.id, 'all');
    await admin.users.delete(carol.id);
    expect((await call(server.urls.consumer, { token: t4 })).status).toBe(403);
    await admin.close();
  });

  it('revokes a connector token when the connector or its entity type is deleted', async () => {
    const admin = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
    await admin.entityTypes.create('thing', { name: 'Things', description: 'Things' });
    const c = await admin.connectors.create('thing', 'maker', { name: 'Maker', description: 'd' });
    expect((await call(server.urls.contributor, { token: c.token })).status).toBe(200);
    await admin.entityTypes.delete('thing');
    expect((await call(server.urls.contributor, { token: c.token })).status).toBe(403);
    await admin.close();
  });

  it('issues a fresh bootstrap token for whoever holds the data directory, rescinding the old', async () => {
    const old = server.adminToken;
    const { userId, token } = await issueBootstrapToken(server.dataDir, server.location);
    expect(userId).toBe(1);
    expect((await call(`${base}/user`, { token })).status).toBe(200);
    expect((await call(`${base}/user`, { token: old })).status).toBe(403);
    server.adminToken = token;
  });

  it('keeps everything across a restart', async () => {
    const admin = new CoordinatorClient({ baseUrl: base, token: server.adminToken });
    await admin.entityTypes.create('kept', { name: 'Kept', description: 'Kept' });
    const before = await admin.users.list();
    await admin.close();
    server = await server.restart();
    expect(server.bootstrapToken).toBeUndefined();
    const after = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
    expect((await after.users.list()).map((u) => u.id)).toEqual(before.map((u) => u.id));
    expect((await after.entityTypes.get('kept')).name).toBe('Kept');
    const next = await after.users.create({ name: 'New', email: 'new@x.io', organization: 'X' });
    expect(next.id).toBe(4); // 2 (Bob) and 3 (Carol) were deleted and are never reused
    await after.close();
  });
});
