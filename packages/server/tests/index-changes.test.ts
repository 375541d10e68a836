// Declared indexes changed under traffic (docs/POSTGRES.md, "Declared indexes under traffic"): entity type updates
// that swap their `indexes`, and deletes of types that declare some, while contributions write to `records`, all
// succeed. On PostgreSQL these deadlocked (503) before every index change took its lock first and dropped after
// committing. Run on SQLite, and on PostgreSQL in its pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './harness.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.destroy();
});

const coordinator = (path: string, init: Parameters<typeof call>[1] = {}) =>
  call(`${server.urls.coordinator}${path}`, init);
const type = (indexes: string[]) => ({ name: 'Things', description: 'things', indexes });

async function connector(eid: string, slug: string): Promise<string> {
  const created = await coordinator(`/entity/${eid}/connector/${slug}`, {
    method: 'POST',
    body: { name: slug, description: slug },
  });
  expect(created.status).toBe(201);
  return (created.json as { id: string }).id;
}

describe('declared indexes changed while contributions write', () => {
  it('every update, delete and upsert succeeds: no deadlock, no 503', async () => {
    expect((await coordinator('/entity/things', { method: 'POST', body: type(['entity.a']) })).status).toBe(201);
    const cid = await connector('things', 'feed');
    const contributor = (path: string, init: Parameters<typeof call>[1] = {}) =>
      call(`${server.urls.contributor}/connector/${cid}${path}`, init);
    const sid = (await contributor('/session/open/stream')).json as string;
    const records = Array.from({ length: 250 }, (_, i) => ({ id: `r${i}`, name: 'n', entity: { a: i, b: -i } }));
    expect((await contributor(`/session/${sid}/upsert`, { method: 'POST', body: records })).status).toBe(200);
    for (const doomed of ['gone1', 'gone2', 'gone3']) {
      expect((await coordinator(`/entity/${doomed}`, { method: 'POST', body: type(['entity.k']) })).status).toBe(201);
      const other = await connector(doomed, `${doomed}-feed`);
      const otherSid = (await call(`${server.urls.contributor}/connector/${other}/session/open/stream`)).json as string;
      await call(`${server.urls.contributor}/connector/${other}/session/${otherSid}/upsert`, {
        method: 'POST',
        body: [{ id: 'x', name: 'x', entity: { k: 1 } }],
      });
    }

    const statuses: number[] = [];
    let writing = true;
    const upserts = (async () => {
      for (let i = 0; writing; i++) {
        const r = await contributor(`/session/${sid}/upsert`, {
          method: 'POST',
          body: [{ id: `w${i % 50}`, name: 'w', entity: { a: i, b: i } }],
        });
        statuses.push(r.status);
      }
    })();
    const changes = (async () => {
      for (let round = 0; round < 12; round++) {
        const indexes = round % 2 === 0 ? ['entity.b'] : ['entity.a'];
        const work = [coordinator('/entity/things', { method: 'PUT', body: type(indexes) })];
        if (round < 3) work.push(coordinator(`/entity/gone${round + 1}`, { method: 'DELETE' }));
        for (const r of await Promise.all(work)) statuses.push(r.status);
      }
    })();
    await changes;
    writing = false;
    await upserts;
    expect(statuses.filter((s) => s !== 200 && s !== 204)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(15);
    // the catalog answers by the index now declared
    const detail = await coordinator('/entity/things');
    expect((detail.json as { indexes: string[] }).indexes).toEqual(['entity.a']);
  });
});
