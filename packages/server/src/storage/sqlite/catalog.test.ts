import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileQuery } from '../../query/index.js';
import { indexFor, listQuery, SqliteCatalog, syncRecordIndexes } from './catalog.js';
import { type Db, openDatabase } from './database.js';
import { WriteGate } from './write-gate.js';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => db.close());

const EVERYTHING = { kind: 'const', value: true } as const;

describe('listQuery', () => {
  it('renders visibility, type, segment and filter with parameters only', () => {
    const q = listQuery(
      { segment: compileQuery({ type: 'country' }), staged: ['abc'] },
      { filter: compileQuery({ 'entity.iso': 'GB' }), type: 'country', limit: 10, offset: 20 },
    )!;
    expect(q.sql.replace(/\s+/g, ' ')).toBe(
      'SELECT r.public_id AS publicId, r.type, r.name FROM records r WHERE +r.connector_id IN (SELECT c.id FROM connectors c' +
        ' WHERE c.is_live = 1 OR c.contribution_id IN (SELECT value FROM json_each(?))) AND r.type = ?' +
        ' AND ((r.type = ?))' +
        " AND ((json_extract(r.doc, '$.entity.iso') = ?))" +
        ' ORDER BY r.seq LIMIT ? OFFSET ?',
    );
    expect(q.params).toEqual(['["abc"]', 'country', 'country', 'GB', 10, 20]);
  });

  it('an everything segment adds nothing; a nothing segment or filter needs no SQL', () => {
    expect(listQuery({ segment: EVERYTHING, staged: [] }, { limit: 1, offset: 0 })!.params).toEqual(['[]', 1, 0]);
    expect(
      listQuery({ segment: { kind: 'const', value: false }, staged: [] }, { limit: 1, offset: 0 }),
    ).toBeUndefined();
    expect(
      listQuery({ segment: EVERYTHING, staged: [] }, { filter: compileQuery({}), limit: 1, offset: 0 }),
    ).toBeUndefined();
  });
});

describe('expression indexes', () => {
  it('name each path by a digest and use the renderer path syntax', () => {
    expect(indexFor('entity.iso')).toEqual({
      name: expect.stringMatching(/^records_x_[0-9a-f]{16}$/),
      expression: "json_extract(doc, '$.entity.iso')",
    });
    expect(indexFor('entity.list.0')?.expression).toBe("json_extract(doc, '$.entity.list[0]')");
    expect(indexFor('entity..x')).toBeUndefined();
    expect(indexFor('')).toBeUndefined();
  });

  it('syncRecordIndexes creates the declared ones and drops stale ones', () => {
    const now = new Date().toISOString();
    const add = db.prepare(
      "INSERT INTO entity_types (slug, name, description, indexes, created) VALUES (?, 'n', 'd', ?, ?)",
    );
    add.run('a', JSON.stringify(['entity.iso', 'entity.x']), now);
    add.run('b', JSON.stringify(['entity.iso']), now);
    const first = syncRecordIndexes(db);
    expect(first.created).toHaveLength(2);
    expect(syncRecordIndexes(db)).toEqual({ created: [], dropped: [] });
    db.prepare("UPDATE entity_types SET indexes = '[]' WHERE slug = 'a'").run();
    expect(syncRecordIndexes(db)).toEqual({ created: [], dropped: [indexFor('entity.x')!.name] });
  });
});

describe('usage counters', () => {
  it('add deltas per (key, window) in one transaction', async () => {
    const catalog = new SqliteCatalog(db, new WriteGate(db));
    expect(await catalog.usage('k', '2024-01-01')).toBe(0);
    await catalog.addUsage([
      { key: 'k', window: '2024-01-01', delta: 2 },
      { key: 'k', window: '2024-01-02', delta: 1 },
    ]);
    await catalog.addUsage([{ key: 'k', window: '2024-01-01', delta: 3 }]);
    expect(await catalog.usage('k', '2024-01-01')).toBe(5);
    expect(await catalog.usage('k', '2024-01-02')).toBe(1);
  });
});
