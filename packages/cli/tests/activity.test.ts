import { ConsumerClient, CoordinatorClient } from '@bbk/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../server/tests/harness.js';
import { cleanup, serverAndCli } from './helpers.js';

describe('bbk usage, bbk violations', () => {
  let server: TestServer;
  let run: (args: string[]) => ReturnType<typeof import('./helpers.js').bbk>;
  let coord: CoordinatorClient;

  beforeAll(async () => {
    ({ server, run } = await serverAndCli({
      mode: 'production',
      detectors: { enumeration: { count: 3, windowSeconds: 300 } },
    }));
    coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
    await coord.entityTypes.create('thing', { name: 'Things', description: 'All things' });
    await coord.policies.create('things', {
      name: 'Things',
      description: 'every thing',
      policy: {
        access_control: { enabled: true, rate: 100 },
        data_segment: { segment_query: { type: 'thing' } },
        legal_context: [],
      },
    });
    await coord.users.create({ name: 'Consumer', email: 'c@acme.io', organization: 'Acme' });
    const token = await coord.accesses.grant(2, 'things');
    const consumer = new ConsumerClient({ baseUrl: server.urls.consumer, token });
    await consumer.entityTypes();
    for (const id of ['a', 'b', 'c']) await consumer.entity('thing', id.repeat(40)).catch(() => undefined);
    await consumer.close();
  });
  afterAll(async () => {
    await coord.close();
    await server.destroy();
    cleanup();
  });

  it('bbk usage --json prints every access with its figures; --user and --policy narrow it', async () => {
    const all = await run(['usage', '--json']);
    expect(all.code).toBe(0);
    const rows = all.json<{ user: { id: number }; access: { id: string }; totals: unknown }[]>();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user: { id: 2 },
      access: { id: 'things' },
      totals: { calls: 4, records: 0, rate_limited: 0, quota_limited: 0 },
    });
    expect((await run(['usage', '--user', '2', '--policy', 'nope', '--json'])).json()).toEqual([]);
    const table = await run(['usage', '--user', '2']);
    expect(table.stdout).toMatch(/things\s+4\s+0\s+0\s+0/);
  });

  it('bbk violations lists the flags and dismisses one', async () => {
    const list = await run(['violations', '--json']);
    expect(list.code).toBe(0);
    const flags = list.json<{ id: number; detector: string; severity: string }[]>();
    expect(flags.map((f) => [f.detector, f.severity])).toEqual([['enumeration', 'high']]);
    expect((await run(['violations', '--detector', 'rate-limit', '--json'])).json()).toEqual([]);
    expect((await run(['violations', '--detector', 'bogus'])).code).toBe(6);
    expect((await run(['violations', 'dismiss', String(flags[0]?.id)])).code).toBe(0);
    expect((await run(['violations', '--quiet'])).stdout).toBe('');
    expect((await run(['violations', 'dismiss', String(flags[0]?.id)])).code).toBe(3);
    // not an id: a usage error, nothing asked of the server
    for (const bad of ['abc', '1.5', '0', '-3']) expect((await run(['violations', 'dismiss', bad])).code, bad).toBe(2);
  });
});
