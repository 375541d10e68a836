import { randomUUID } from 'node:crypto';
import { ContributorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ContributorEnv,
  contributorEnv,
  ids,
  makeConnector,
  rec,
  type TestConnector,
} from './contributor-setup.js';
import { call } from './harness.js';

let env: ContributorEnv;
let a: TestConnector;
let b: TestConnector;

const forbidden = { error: { code: 403, status: 'Forbidden', message: '' } };
const as = (token: string | undefined, path: string, init: { method?: string; body?: unknown } = {}) =>
  call(`${env.base}${path}`, { ...init, ...(token ? { token } : {}) });

beforeAll(async () => {
  env = await contributorEnv({ mode: 'production' });
  a = await makeConnector(env, 'country', 'prod-a');
  b = await makeConnector(env, 'country', 'prod-b');
});
afterAll(() => env.close());

describe('production mode: a contributor token opens only its own connector (spec §9)', () => {
  it('works end to end through the SDK with its own token', async () => {
    const client = new ContributorClient({ baseUrl: env.base, token: a.token });
    try {
      await client.contribute(a.cid, 'accrue', [rec('one'), rec('two')]);
    } finally {
      await client.close();
    }
    expect(await ids(env, a)).toEqual(['one', 'two']);
  });

  it('403 on another connector: open, action and close, before the session check', async () => {
    const sid = (await as(b.token, `/connector/${b.cid}/session/open/accrue`)).json as string;
    await as(b.token, `/connector/${b.cid}/session/${sid}/upsert`, { method: 'POST', body: [rec('b1')] });
    for (const res of [
      await as(a.token, `/connector/${b.cid}/session/open/replace`),
      await as(a.token, `/connector/${b.cid}/session/${sid}/upsert`, { method: 'POST', body: [rec('x')] }),
      await as(a.token, `/connector/${b.cid}/session/${sid}/delete`, { method: 'POST', body: ['b1'] }),
      await as(a.token, `/connector/${b.cid}/session/${randomUUID()}/close/false`),
      await as(a.token, `/connector/${b.cid}/session/${sid}/close/true`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json).toEqual(forbidden);
    }
    // b's session was not disturbed
    expect(await env.reader.records.pendingCount(b.id)).toBe(1);
    expect((await as(b.token, `/connector/${b.cid}/session/${sid}/close/true`)).status).toBe(200);
    expect(await ids(env, b)).toEqual(['b1']);
  });

  it('keeps 400 and 404 ahead of 403; 401 without a valid contributor token', async () => {
    expect((await as(a.token, `/connector/${b.cid}/session/open/never`)).status).toBe(400);
    expect((await as(a.token, `/connector/${'0'.repeat(40)}/session/open/stream`)).status).toBe(404);
    expect((await as(undefined, `/connector/${a.cid}/session/open/stream`)).status).toBe(401);
    expect((await as(env.server.adminToken, `/connector/${a.cid}/session/open/stream`)).status).toBe(401);
    expect((await as(`${a.token}x`, `/connector/${a.cid}/session/open/stream`)).status).toBe(401);
  });

  it('a deleted connector’s token is revoked (403), also for a re-created connector of the same slug', async () => {
    const c = await makeConnector(env, 'country', 'prod-c');
    const sid = (await as(c.token, `/connector/${c.cid}/session/open/stream`)).json as string;
    await env.coord.connectors.delete('country', 'prod-c');
    expect((await as(c.token, `/connector/${c.cid}/session/${sid}/close/true`)).status).toBe(403);
    const again = await env.coord.connectors.create('country', 'prod-c', {
      name: 'C',
      description: 'again',
      webhook: 'http://127.0.0.1:9/h',
    });
    expect(again.id).toBe(c.cid);
    expect((await as(c.token, `/connector/${c.cid}/session/open/stream`)).status).toBe(403);
    expect((await as(again.token, `/connector/${c.cid}/session/open/stream`)).status).toBe(200);
  });
});
