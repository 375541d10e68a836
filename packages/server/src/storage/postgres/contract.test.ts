// The store contract (storage/contract/) on the PostgreSQL engine: a fresh schema per store on
// BBK_TEST_DATABASE_URL; skipped when it is unset.
import { afterAll, describe } from 'vitest';
import { TEST_DATABASE_URL } from '../../query/testing/postgres.js';
import { activityContract } from '../contract/activity.contract.js';
import { catalogContract } from '../contract/catalog.contract.js';
import { dumpContract } from '../contract/dump.contract.js';
import { entitiesContract } from '../contract/entities.contract.js';
import { recordsContract } from '../contract/records.contract.js';
import { SqliteStore } from '../sqlite/sqlite-store.js';
import type { Store } from '../store.js';
import { PostgresStore } from './postgres-store.js';
import { createTestSchema } from './testing/pg-schema.js';

const drops: (() => Promise<void>)[] = [];

async function open(): Promise<Store> {
  const url = TEST_DATABASE_URL!;
  const { schema, drop } = await createTestSchema(url);
  drops.push(drop);
  return PostgresStore.open({ url, schema, max: 4 });
}

afterAll(async () => {
  // one at a time: concurrent DROP SCHEMA … CASCADE can deadlock on shared catalog rows
  for (const d of drops) await d();
});

describe.skipIf(!TEST_DATABASE_URL)('store contract on PostgreSQL', () => {
  entitiesContract(open, { nulInText: 'PostgreSQL text and jsonb cannot hold U+0000' });
  recordsContract(open);
  catalogContract(open);
  activityContract(open);
  dumpContract(open, { name: 'SQLite', open: async () => SqliteStore.open(':memory:') });
});
