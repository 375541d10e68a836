// The store contract (storage/contract/) on the SQLite engine, in memory.
import { describe } from 'vitest';
import { activityContract } from '../contract/activity.contract.js';
import { catalogContract } from '../contract/catalog.contract.js';
import { dumpContract } from '../contract/dump.contract.js';
import { entitiesContract } from '../contract/entities.contract.js';
import { recordsContract } from '../contract/records.contract.js';
import { SqliteStore } from './sqlite-store.js';

const open = async () => SqliteStore.open(':memory:');

describe('store contract on SQLite', () => {
  entitiesContract(open);
  recordsContract(open);
  catalogContract(open);
  activityContract(open);
  dumpContract(open);
});
