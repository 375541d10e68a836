import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileQuery, registerSqliteFunctions, validateQuery } from '../../query/index.js';
import type { CatalogView } from '../catalog-store.js';
import { listQuery, listShape } from './catalog.js';
import { connect, DB_FILE, type Db, openDatabase } from './database.js';
import { MARK_STEP, PageMarks, type RunQuery } from './page-marks.js';
import { typeAndConnector } from './testing/catalog-rows.js';
import { WriteGate } from './write-gate.js';

let dir: string;
let db: Db;
/** Another connection to the same file: commits there are what the catalog writer thread's are. */
let other: Db;
const N = 5 * MARK_STEP + 321;
const view: CatalogView = { segment: { kind: 'const', value: true }, staged: [] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbk-marks-'));
  db = openDatabase(dir);
  registerSqliteFunctions(db);
  other = connect(join(dir, DB_FILE));
  typeAndConnector(db);
  const insert = db.prepare(
    "INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 't', ?, ?, jsonb(?))",
  );
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const name = `r${i}`;
      insert.run(`p${i}`, name, name, JSON.stringify({ id: name, name, entity: { even: i % 2 === 0, i } }));
    }
  })();
});
afterAll(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const direct: RunQuery = async <T>(sql: string, params: unknown[]) => db.prepare(sql).all(...params) as T[];
const filter = (q: unknown) => {
  const v = validateQuery(q);
  if (!v.ok) throw new Error(v.reason);
  return compileQuery(v.query);
};

function plain(o: { type?: string; filter?: ReturnType<typeof filter>; limit: number; offset: number }) {
  const q = listQuery(view, o)!;
  return db.prepare(q.sql).all(...q.params);
}

async function marked(marks: PageMarks, o: Parameters<typeof plain>[0]) {
  return (await marks.page(listShape(view, o)!, o.limit, o.offset)) ?? plain(o);
}

describe('PageMarks (deep pages from remembered positions)', () => {
  it('gives the plain query’s page at every depth, in any order of offsets', async () => {
    const marks = new PageMarks(db, new WriteGate(db), direct);
    const lists = [{ type: 't' }, { filter: filter({ 'entity.even': true }) }, { type: 'x' }];
    const offsets = [N - 10, 1000, 999, 0, 2500, 4999, 5000, 5001, N - 1, N, N + 5000, 3 * MARK_STEP];
    for (const list of lists) {
      for (const offset of offsets) {
        for (const limit of [1, 250]) {
          const o = { ...list, limit, offset };
          expect(await marked(marks, o), JSON.stringify({ offset, limit })).toEqual(plain(o));
        }
      }
    }
  });

  it('walks at most MARK_STEP rows once the marks are known', async () => {
    const walked: number[] = [];
    const counting: RunQuery = async (sql, params) => {
      walked.push(Number(params.at(-1)));
      return direct(sql, params);
    };
    const marks = new PageMarks(db, new WriteGate(db), counting);
    await marks.page(listShape(view, { type: 't' })!, 250, N - 250);
    walked.length = 0;
    await marks.page(listShape(view, { type: 't' })!, 250, N - 300);
    await marks.page(listShape(view, { type: 't' })!, 250, 2 * MARK_STEP + 17);
    expect(walked).toEqual([N - 300 - 5 * MARK_STEP, 17]); // the OFFSET of each page query, no marks query
  });

  it('forgets its marks when another connection commits, or a catalog write of this one', async () => {
    const gate = new WriteGate(db);
    const marks = new PageMarks(db, gate, direct);
    const o = { type: 't', limit: 250, offset: 4 * MARK_STEP + 100 };
    expect(await marked(marks, o)).toEqual(plain(o));
    // records before the marks move every position
    other.prepare('DELETE FROM records WHERE seq IN (SELECT seq FROM records ORDER BY seq LIMIT 7)').run();
    expect(await marked(marks, o)).toEqual(plain(o));
    const v = marks.version();
    await gate.write(() => db.prepare('UPDATE connectors SET is_live = 1 WHERE id = 1').run());
    expect(marks.version()).not.toBe(v);
    const u = marks.version();
    await gate.write(() => undefined, { catalog: false });
    expect(marks.version()).toBe(u);
  });

  it('answers undefined (read it the plain way) when a commit lands while it reads', async () => {
    let commits = 1;
    const racing: RunQuery = async (sql, params) => {
      const rows = await direct(sql, params);
      if (commits-- > 0) other.prepare("UPDATE connectors SET description = description || 'x'").run();
      return rows as never;
    };
    const marks = new PageMarks(db, new WriteGate(db), racing);
    expect(await marks.page(listShape(view, { type: 't' })!, 250, 3 * MARK_STEP)).toBeUndefined();
  });
});
