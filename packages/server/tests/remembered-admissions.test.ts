// Remembered admissions (auth/remembered.ts) on PostgreSQL, in-process: an entity detail admitted on the
// token row or policy head this process remembers costs one statement (the witnessed record read), and a
// change is seen by that very read. The store's reads are counted with spies, so this proves the
// mechanism is used, not only that the answers are right (tests/multi-process.test.ts proves those
// across processes). Skipped without BBK_TEST_DATABASE_URL (scripts/test.mjs says so once).
import { type AccessControl, ContributorClient, CoordinatorClient } from '@bbk/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_DATABASE_URL } from '../src/query/testing/postgres.js';
import { PgCatalog } from '../src/storage/postgres/catalog.js';
import { createTestSchema } from '../src/storage/postgres/testing/pg-schema.js';
import { PgTokens } from '../src/storage/postgres/tokens.js';
import { call, startTestServer, type TestServer } from './harness.js';

const policy = (masks: string[] = [], accessControl: AccessControl = { enabled: false }) => ({
  name: 'Things',
  description: 'things',
  policy: {
    access_control: accessControl,
    data_segment: { segment_query: { type: 'thing' }, field_masks: masks },
    legal_context: [],
  },
});

async function seed(server: TestServer): Promise<void> {
  const coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  await coord.entityTypes.create('thing', { name: 'Thing', description: 'things' });
  const connector = await coord.connectors.create('thing', 'things', { name: 'things', description: 'things' });
  await coord.connectors.promote('thing', 'things');
  const contributor = new ContributorClient({ baseUrl: server.urls.contributor, token: connector.token });
  await contributor.contribute(connector.id, 'stream', [{ id: 'one', name: 'one', entity: { n: 1, hidden: 'h' } }]);
  await contributor.close();
  await coord.policies.create('things', policy());
  await coord.close();
}

describe.skipIf(!TEST_DATABASE_URL)('remembered admissions of entity details (PostgreSQL)', () => {
  const spies = () => ({
    tokens: vi.spyOn(PgTokens.prototype, 'get'),
    bySlug: vi.spyOn(PgCatalog.prototype, 'policyBySlug'),
    plain: vi.spyOn(PgCatalog.prototype, 'record'),
    witnessed: vi.spyOn(PgCatalog.prototype, 'recordWitnessed'),
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  describe('production: the token row', () => {
    let server: TestServer;
    let coord: CoordinatorClient;
    let id: string;
    let token: string;
    beforeAll(async () => {
      const place = await createTestSchema(TEST_DATABASE_URL!);
      server = await startTestServer({ mode: 'production' }, undefined, place);
      await seed(server);
      coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
      const uid = (await coord.users.create({ name: 'C', email: 'c@example.org', organization: 'O' })).id;
      token = await coord.accesses.grant(uid, 'things');
      id = ((await call(`${server.urls.consumer}/entity/thing`, { token })).json as { id: string }[])[0]!.id;
    }, 60_000);
    afterAll(async () => {
      await coord?.close();
      await server?.destroy();
    });
    const detail = (t = token) => call(`${server.urls.consumer}/entity/thing/${id}`, { token: t });

    it('a detail after the first is one witnessed read: no token read of its own', async () => {
      expect((await detail()).status).toBe(200);
      const s = spies();
      for (let i = 0; i < 5; i++) expect((await detail()).json).toMatchObject({ id, entity: { n: 1, hidden: 'h' } });
      expect(s.tokens).not.toHaveBeenCalled();
      expect(s.witnessed).toHaveBeenCalledTimes(5);
      expect(s.plain).not.toHaveBeenCalled();
      // a list is not witnessed: its token is read from the database as before
      expect((await call(`${server.urls.consumer}/entity/thing`, { token })).status).toBe(200);
      expect(s.tokens).toHaveBeenCalledTimes(1);
      // a wrong secret for a remembered key id is refused from memory's check by the database's
      expect((await detail(`${token.slice(0, -2)}xx`)).status).toBe(401);
    });

    it('a changed policy is seen by the witnessed read, and the call is admitted again', async () => {
      expect((await detail()).status).toBe(200);
      await coord.policies.update('things', policy(['thing.entity.hidden']));
      const s = spies();
      expect(((await detail()).json as { entity: unknown }).entity).toEqual({ n: 1 });
      expect(s.witnessed).toHaveBeenCalledTimes(1);
      expect(s.tokens).toHaveBeenCalledTimes(1);
      expect(s.plain).toHaveBeenCalledTimes(1);
      // remembered again: the next one is a single witnessed read
      expect(((await detail()).json as { entity: unknown }).entity).toEqual({ n: 1 });
      expect(s.witnessed).toHaveBeenCalledTimes(2);
      expect(s.tokens).toHaveBeenCalledTimes(1);
    });

    it('a rescinded token is refused by the very next call, and then read from the database', async () => {
      const uid = (await coord.users.create({ name: 'D', email: 'd@example.org', organization: 'O' })).id;
      await coord.policies.create('others', policy());
      const other = await coord.accesses.grant(uid, 'others');
      expect((await detail(other)).status).toBe(200);
      expect((await detail(other)).status).toBe(200);
      await coord.accesses.revoke(uid, 'others');
      const s = spies();
      expect((await detail(other)).status).toBe(403);
      expect(s.witnessed).toHaveBeenCalledTimes(1);
      expect(s.tokens).toHaveBeenCalledTimes(1);
      // forgotten: the next call of the revoked token goes to the database at once
      expect((await detail(other)).status).toBe(403);
      expect(s.witnessed).toHaveBeenCalledTimes(1);
      expect(s.tokens).toHaveBeenCalledTimes(2);
    });

    it('a policy that counts calls is never admitted on memory', async () => {
      await coord.policies.update(
        'things',
        policy([], { enabled: true, quota: { max_number: 3, interval_type: 'day' } }),
      );
      const s = spies();
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await detail()).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(s.tokens.mock.calls.length).toBeGreaterThanOrEqual(5);
      expect(s.plain).toHaveBeenCalledTimes(3);
      await coord.policies.update('things', policy());
    });
  });

  describe('development: the policy by slug', () => {
    let server: TestServer;
    let id: string;
    const audience = { 'x-bbk-audience': 'things' };
    beforeAll(async () => {
      const place = await createTestSchema(TEST_DATABASE_URL!);
      server = await startTestServer({ mode: 'development' }, undefined, place);
      await seed(server);
      id = ((await call(`${server.urls.consumer}/entity/thing`, { headers: audience })).json as { id: string }[])[0]!
        .id;
    }, 60_000);
    afterAll(async () => {
      await server?.destroy();
    });
    const detail = () => call(`${server.urls.consumer}/entity/thing/${id}`, { headers: audience });

    it('one witnessed read per detail; a change, a deletion and a new policy of the slug are seen at once', async () => {
      expect((await detail()).status).toBe(200);
      const s = spies();
      for (let i = 0; i < 3; i++) expect((await detail()).status).toBe(200);
      expect(s.bySlug).not.toHaveBeenCalled();
      expect(s.witnessed).toHaveBeenCalledTimes(3);

      const coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
      await coord.policies.update('things', policy(['thing.entity.hidden']));
      expect(((await detail()).json as { entity: unknown }).entity).toEqual({ n: 1 });
      expect(s.bySlug).toHaveBeenCalledTimes(1);
      await coord.policies.delete('things');
      expect((await detail()).status).toBe(403);
      await coord.policies.create('things', policy());
      expect(((await detail()).json as { entity: unknown }).entity).toEqual({ n: 1, hidden: 'h' });
      await coord.close();
    });
  });
});
