import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runContractTest } from '@bbk/connector-kit/testing';
import { HERITAGE_ENTITY_TYPE, HERITAGE_TYPE, heritageRecord, loadHeritageSites } from '@bbk/example-heritage-sites';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHeritageDatabase, runHeritageSqlConnector } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bbk-heritage-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const countriesId = 'c0ffee0000000000000000000000000000000000';

describe('heritage sites SQL connector', () => {
  it('passes the contract test, streaming rows out of SQLite into a replace session', async () => {
    const database = join(dir, 'heritage.db');
    buildHeritageDatabase(database);
    const progress: number[] = [];
    const report = await runContractTest({
      entityType: { id: HERITAGE_TYPE, ...HERITAGE_ENTITY_TYPE },
      records: () => loadHeritageSites('cultural').map((site) => heritageRecord(site, countriesId)),
      contribute: (target) =>
        runHeritageSqlConnector({
          ...target,
          database,
          category: 'cultural',
          countryConnectorId: countriesId,
          onProgress: ({ sent }) => progress.push(sent),
        }),
    });
    expect(report).toMatchObject({ ok: true, records: { expected: 814, visible: 814 } });
    expect(progress.slice(0, 4)).toEqual([250, 500, 750, 814]);
  }, 120_000);

  it('fails cleanly on a missing database', async () => {
    await expect(
      runHeritageSqlConnector({
        contributorUrl: 'http://127.0.0.1:9/v1',
        connectorId: 'a'.repeat(40),
        database: join(dir, 'missing.db'),
        category: 'natural',
        countryConnectorId: countriesId,
      }),
    ).rejects.toThrow(/missing\.db|unable to open/i);
  });
});
