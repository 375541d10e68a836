import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HERITAGE_CATEGORIES, heritageRecord, loadHeritageSites } from '@bbk/example-heritage-sites';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHeritageDatabase, type SiteRow } from './database.js';
import { rowRecord } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'bbk-heritage-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cid = '9afcf3235500836c6fcd9e82110dbc05ffbb734b';

describe('heritage database', () => {
  it('holds every site once, and rebuilding is idempotent', () => {
    const file = join(dir, 'sites.db');
    expect(buildHeritageDatabase(file)).toBe(1017);
    expect(buildHeritageDatabase(file)).toBe(1017);
    const db = new Database(file, { readonly: true });
    const counts = db.prepare('SELECT category, count(*) AS n FROM sites GROUP BY category ORDER BY category').all();
    db.close();
    expect(counts).toEqual([
      { category: 'cultural', n: 814 },
      { category: 'natural', n: 203 },
    ]);
  });

  it('gives back, row by row, exactly the records of the JSON connector', () => {
    const file = join(dir, 'roundtrip.db');
    buildHeritageDatabase(file);
    const db = new Database(file, { readonly: true });
    const rows = new Map((db.prepare('SELECT * FROM sites').all() as SiteRow[]).map((row) => [row.id, row]));
    db.close();
    for (const site of HERITAGE_CATEGORIES.flatMap(loadHeritageSites)) {
      const row = rows.get(site.id);
      expect(row && rowRecord(row, cid), site.id).toEqual(heritageRecord(site, cid));
    }
  });
});
