// The two switches bench/overhead.mjs measures against (config.ts: `consumerAccounting`, `auditActivity`), over
// HTTP against real servers: each turns off what it says and nothing else.
import { CoordinatorClient } from '@bbk/sdk';
import { describe, expect, it } from 'vitest';
import type { ServerOptions } from '../src/index.js';
import { consumerEnv, publicId } from './consumer-setup.js';
import { call, type TestServer } from './harness.js';

let clock = 0;
const now = () => clock;

/** What a server counted of three entity details under one access, read after a restart (a close writes it all). */
async function countedWith(options: ServerOptions) {
  clock = Date.parse('2030-01-01T10:00:10.000Z');
  const env = await consumerEnv({ mode: 'production', now, ...options });
  let restarted: TestServer | undefined;
  let coord: CoordinatorClient | undefined;
  try {
    await env.entityType('thing');
    const c = await env.connector('thing', 'things');
    await env.upsert(c, [{ id: 'a', name: 'A', entity: {} }]);
    await env.policy('open', { segment: { type: 'thing' } });
    const { id } = await env.coord.users.create({ name: 'Consumer', email: 'c@acme.io', organization: 'Acme' });
    const token = await env.coord.accesses.grant(id, 'open');
    for (let i = 0; i < 3; i++) {
      expect((await call(`${env.base}/entity/thing/${publicId(c.cid, 'a')}`, { token })).status).toBe(200);
    }
    restarted = await env.server.restart();
    coord = new CoordinatorClient({ baseUrl: restarted.urls.coordinator, token: restarted.adminToken });
    return {
      activity: (await coord.audit.list({ action: 'consumer.activity' })).map((e) => e.detail),
      usage: (await coord.accesses.usage(id, 'open')).totals,
      lastUsed: (await coord.accesses.get(id, 'open')).last_used,
    };
  } finally {
    await coord?.close();
    await env.close();
    await restarted?.destroy();
  }
}

describe('consumer accounting switches (bench references only)', () => {
  it('on by default: the audit trail’s activity minutes, usage and last use', async () => {
    expect(await countedWith({})).toEqual({
      activity: [{ minute: '2030-01-01T10:00:00.000Z', calls: 3, records: 3, limited: 0 }],
      usage: { calls: 3, records: 3, rate_limited: 0, quota_limited: 0 },
      lastUsed: '2030-01-01T10:00:10.000Z',
    });
  });

  it('auditActivity: false leaves out the activity minutes only', async () => {
    expect(await countedWith({ auditActivity: false })).toEqual({
      activity: [],
      usage: { calls: 3, records: 3, rate_limited: 0, quota_limited: 0 },
      lastUsed: '2030-01-01T10:00:10.000Z',
    });
  });

  it('consumerAccounting: false leaves out every count', async () => {
    expect(await countedWith({ consumerAccounting: false })).toEqual({
      activity: [],
      usage: { calls: 0, records: 0, rate_limited: 0, quota_limited: 0 },
      lastUsed: null,
    });
  });
});
