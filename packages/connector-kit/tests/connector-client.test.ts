import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Bbk, BbkApiError, createBbk, type Progress, type RecordInput } from '@bbk/sdk';
import { type RunningServer, startServer } from '@bbk/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorClient } from '../src/index.js';

/** A real production-mode server, one entity type with a schema, one live connector per test. */
let server: RunningServer;
let dataDir: string;
let admin: Bbk;
let n = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'bbk-kit-'));
  server = await startServer(
    { mode: 'production', dataDir, coordinatorPort: 0, contributorPort: 0, consumerPort: 0 },
    {},
  );
  admin = createBbk({ coordinatorUrl: server.urls.coordinator, token: { coordinator: server.bootstrapToken } });
});

afterAll(async () => {
  await admin?.close();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh entity type (with a schema), its live connector, and a consumer that sees exactly that type. */
async function connector() {
  const slug = `thing-${++n}`;
  await admin.coordinator.entityTypes.create(slug, {
    name: 'Things',
    description: 'Things with a size',
    schema: { type: 'object', required: ['size'], properties: { size: { type: 'integer' } } },
  });
  await admin.coordinator.policies.create(slug, {
    name: 'Things',
    description: 'All things of one type',
    policy: { access_control: { enabled: false }, data_segment: { segment_query: { type: slug } }, legal_context: [] },
  });
  const created = await admin.coordinator.connectors.create(slug, slug, { name: slug, description: 'test' });
  await admin.coordinator.connectors.promote(slug, slug);
  const user = await admin.coordinator.users.create({ name: slug, email: `${slug}@bbk.test`, organization: 'bbk' });
  const consumer = createBbk({
    consumerUrl: server.urls.consumer,
    token: { consumer: await admin.coordinator.accesses.grant(user.id, slug) },
  }).consumer;
  const client = createConnectorClient({
    contributorUrl: server.urls.contributor,
    token: created.token,
    connectorId: created.id,
  });
  const names = async () => {
    const out: string[] = [];
    for await (const item of consumer.entitiesAll(slug)) out.push(item.name);
    return out;
  };
  return { client, consumer, names, slug, created };
}

const things = (count: number, from = 0): (RecordInput & { _source: string })[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `t${from + i}`,
    name: `Thing ${from + i}`,
    entity: { size: from + i, _internal: 'x' },
    _source: 'row',
  }));

describe('ConnectorClient against a real server', () => {
  it('contributes more than one batch, reports progress, and strips private keys', async () => {
    const { client, consumer, names, slug } = await connector();
    const progress: Progress[] = [];
    const result = await client.contribute('stream', things(600), { onProgress: (p) => progress.push(p) });
    expect(result.sent).toBe(600);
    expect(progress.map((p) => p.sent)).toEqual([250, 500, 600]);
    expect(progress.every((p) => p.total === 600)).toBe(true);
    const listed = await names();
    expect(listed).toHaveLength(600);
    const [first] = await consumer.entities(slug, { limit: 1 });
    const detail = await consumer.entity(slug, first?.id ?? '');
    expect(detail.entity).toEqual({ size: 0 });
    await client.close();
  });

  it('replace: the whole record set, and a failure leaves the catalog untouched', async () => {
    const { client, names } = await connector();
    await client.replace(things(300));
    await client.replace(things(5, 1000));
    expect(await names()).toEqual(['Thing 1000', 'Thing 1001', 'Thing 1002', 'Thing 1003', 'Thing 1004']);

    // the second batch breaks the entity schema: the session is rolled back, nothing changes
    const broken = [...things(250, 2000), { id: 'bad', name: 'Bad', entity: { size: 'huge' } }];
    const error = await client.replace(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BbkApiError);
    expect((error as BbkApiError).status).toBe(400);
    // named at its place in the records given (the first of the second batch), not within its batch
    expect((error as BbkApiError).items[0]).toMatchObject({ name: 'records.entity.size', index: 250 });
    expect(await names()).toHaveLength(5);
    await client.close();
  });

  it('session(): upserts and deletes in order, commits on success, rolls back when work throws', async () => {
    const { client, names } = await connector();
    await client.session('accrue', async (s) => {
      await s.upsert(things(3));
      await s.delete(['t1']);
    });
    expect(await names()).toEqual(['Thing 0', 'Thing 2']);
    await expect(
      client.session('accrue', async (s) => {
        await s.delete(['t0', 't2']);
        throw new Error('source unavailable');
      }),
    ).rejects.toThrow('source unavailable');
    expect(await names()).toEqual(['Thing 0', 'Thing 2']);
    await client.close();
  });

  it('open(): a session driven by hand', async () => {
    const { client, names } = await connector();
    const session = await client.open('replace');
    await session.upsert(things(2));
    expect(await names()).toEqual([]);
    await session.commit();
    expect(await names()).toEqual(['Thing 0', 'Thing 1']);
    await client.close();
  });

  it('never retries a 4xx: a wrong token fails at once', async () => {
    const { created } = await connector();
    const retries: number[] = [];
    const client = createConnectorClient({
      contributorUrl: server.urls.contributor,
      token: 'contributor.AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
      connectorId: created.id,
      retry: { onRetry: (info) => retries.push(info.attempt) },
    });
    await expect(client.replace(things(1))).rejects.toMatchObject({ status: 401 });
    expect(retries).toEqual([]);
    await client.close();
  });

  it('retries network failures until the server is reachable', async () => {
    const retries: number[] = [];
    const client = createConnectorClient({
      contributorUrl: 'http://127.0.0.1:9/v1',
      connectorId: 'a'.repeat(40),
      retry: { retries: 2, minDelayMs: 1, onRetry: (info) => retries.push(info.attempt) },
    });
    await expect(client.replace(things(1))).rejects.toMatchObject({ name: 'BbkNetworkError', kind: 'network' });
    expect(retries).toEqual([1, 2]);
    await client.close();
  });

  it('refuses a connector slug where the contribution id belongs', () => {
    expect(() => createConnectorClient({ contributorUrl: server.urls.contributor, connectorId: 'wikipedia' })).toThrow(
      /40-character/,
    );
  });
});
