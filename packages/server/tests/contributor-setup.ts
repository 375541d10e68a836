import { ContributorClient, CoordinatorClient, type EntityTypeInput, type RecordInput } from '@bbk/sdk';
import type { ServerOptions } from '../src/index.js';
import type { Db } from '../src/storage/sqlite/database.js';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store.js';
import type { Store } from '../src/storage/store.js';
import { startTestServer, type TestServer } from './harness.js';

/** A real server, SDK clients, and a second read-only-by-convention store on the same database. */
export interface ContributorEnv {
  server: TestServer;
  coord: CoordinatorClient;
  contrib: ContributorClient;
  /** A separate connection: sees only committed state, as any reader would. */
  reader: Store;
  /** The reader's SQLite connection, for checks of SQLite's own tables; undefined on PostgreSQL. */
  sqlite: Db | undefined;
  /** Contributor API base URL. */
  base: string;
  close(): Promise<void>;
}

export async function contributorEnv(options: ServerOptions = {}): Promise<ContributorEnv> {
  const server = await startTestServer(options);
  const coord = new CoordinatorClient({ baseUrl: server.urls.coordinator, token: server.adminToken });
  const contrib = new ContributorClient({ baseUrl: server.urls.contributor });
  const reader = await server.openReader();
  return {
    server,
    coord,
    contrib,
    reader,
    sqlite: reader instanceof SqliteStore ? reader.db : undefined,
    base: server.urls.contributor,
    async close() {
      await contrib.close();
      await coord.close();
      await reader.close();
      await server.destroy();
    },
  };
}

/** A connector as the tests use it. */
export interface TestConnector {
  eid: string;
  slug: string;
  /** contribution id */
  cid: string;
  token: string;
  /** connectors.id */
  id: number;
}

export const countryType: EntityTypeInput = {
  name: 'Countries',
  description: 'All the countries in the world',
  schema: {
    type: 'object',
    properties: { code: { type: 'string', minLength: 2, maxLength: 2 }, area: { type: 'number' } },
    required: ['code'],
  },
  timeseries: { population: { period: 'P1Y', value: 'people', unit: 'x1000' } },
};

/** Creates the entity type when missing, then a connector (with a webhook when the type needs one). */
export async function makeConnector(
  env: ContributorEnv,
  eid: string,
  slug: string,
  type: EntityTypeInput = countryType,
): Promise<TestConnector> {
  const existing = await env.coord.entityTypes.list();
  if (!existing.some((e) => e.id === eid)) await env.coord.entityTypes.create(eid, type);
  const webhook = Object.keys(type.timeseries ?? {}).length > 0 ? 'http://127.0.0.1:9/hook' : null;
  const created = await env.coord.connectors.create(eid, slug, {
    name: slug,
    description: `connector ${slug}`,
    webhook,
  });
  const target = await env.reader.records.target(created.id);
  if (!target) throw new Error('connector not found through the reader');
  return { eid, slug, cid: created.id, token: created.token, id: target.connectorId };
}

/**
 * `n` records shaped like the example data's countries (GeoJSON point, nested currency, arrays),
 * with varying ids, names and numbers.
 */
export function countryLike(n: number, prefix = 'C'): RecordInput[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    name: `Country ${prefix}${i}`,
    entity: {
      area: 1000 + i * 7,
      calling_code: 100 + (i % 900),
      capital: `Capital ${i}`,
      code: `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + (((i / 26) | 0) % 26))}`,
      continent: ['Europe', 'Asia', 'Africa', 'Oceania'][i % 4],
      currency: { code: 'EUR', name: 'Euro' },
      landlocked: i % 3 === 0,
      languages: ['Catalan', 'French'],
      location: { type: 'Point', coordinates: [((i * 13) % 360) - 180, ((i * 7) % 180) - 90] },
      population: 50_000 + i * 31,
      link: `https://en.wikipedia.org/wiki/Country_${i}`,
    },
    instance: { independence: 1200 + (i % 800) },
  }));
}

/** Small synthetic records: `rec('a')` → `{ id: 'a', name: 'A a', entity: { code: 'AA' } }`. */
export function rec(id: string, entity: Record<string, unknown> = {}, instance?: Record<string, unknown>): RecordInput {
  const r: RecordInput = { id, name: `Name ${id}`, entity: { code: 'AA', ...entity } };
  if (instance) r.instance = instance;
  return r;
}

/** Vendor ids of a connector's stored records, in catalog order. */
export async function ids(env: ContributorEnv, c: TestConnector): Promise<string[]> {
  return (await env.reader.records.list(c.id)).map((r) => r.vendorId);
}
