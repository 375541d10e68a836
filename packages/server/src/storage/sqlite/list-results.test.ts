import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, DB_FILE, type Db, openDatabase } from './database.js';
import { ListResults } from './list-results.js';
import { PageMarks } from './page-marks.js';
import { typeAndConnector } from './testing/catalog-rows.js';
import { WriteGate } from './write-gate.js';

let dir: string;
let db: Db;
/** Another connection to the same file: its commits are what the catalog writer thread's are. */
let other: Db;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bbk-results-'));
  db = openDatabase(dir);
  other = connect(join(dir, DB_FILE));
  typeAndConnector(db);
  insert(other, 0, 10);
});
afterAll(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function insert(on: Db, from: number, to: number): void {
  const stmt = on.prepare(
    "INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES (?, 1, 't', ?, ?, jsonb(?))",
  );
  on.transaction(() => {
    for (let i = from; i < to; i++) stmt.run(`p${i}`, `v${i}`, `r${i}`, JSON.stringify({ id: `v${i}`, entity: { i } }));
  })();
}

const SQL =
  "SELECT public_id AS id FROM records r WHERE r.type = ? AND json_extract(r.doc, '$.entity.i') < ? ORDER BY r.seq";

/** A ListResults on this database, and a reader that counts its reads (on `other`, as a reader thread would). */
function setup() {
  const gate = new WriteGate(db);
  const marks = new PageMarks(db, gate, async () => []);
  const results = new ListResults(() => marks.version());
  let reads = 0;
  const read = (params: unknown[], during?: () => void) => async (): Promise<{ id: string }[]> => {
    reads++;
    const rows = other.prepare(SQL).all(...params) as { id: string }[];
    during?.();
    return rows;
  };
  const list = (params: unknown[], during?: () => void) => results.read(SQL, params, read(params, during));
  return { gate, list, reads: () => reads };
}

describe('ListResults (answers given again while the catalog holds still)', () => {
  it('answers the same query of the same catalog once from the database, then from memory', async () => {
    const { list, reads } = setup();
    const first = await list(['t', 5]);
    expect(first.map((r) => r.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(await list(['t', 5])).toEqual(first);
    expect(reads()).toBe(1);
    // other parameters are another query
    expect(await list(['t', 3])).toHaveLength(3);
    expect(await list(['x', 5])).toEqual([]);
    expect(reads()).toBe(3);
  });

  it('reads again after a commit of another connection (the catalog writer thread)', async () => {
    const { list, reads } = setup();
    expect(await list(['t', 100])).toHaveLength(10);
    insert(other, 10, 12);
    expect(await list(['t', 100])).toHaveLength(12);
    expect(reads()).toBe(2);
    expect(await list(['t', 100])).toHaveLength(12);
    expect(reads()).toBe(2);
  });

  it('reads again after a catalog write of the main connection (a connector staged, a deletion)', async () => {
    const { gate, list, reads } = setup();
    const before = await list(['t', 100]);
    await gate.write(() => db.prepare("DELETE FROM records WHERE public_id = 'p0'").run());
    const after = await list(['t', 100]);
    expect(after).toHaveLength(before.length - 1);
    expect(reads()).toBe(2);
    // a write declared as not touching the catalog (usage counters) keeps the answer
    await gate.write(() => db.prepare('SELECT 1').get(), { catalog: false });
    expect(await list(['t', 100])).toEqual(after);
    expect(reads()).toBe(2);
  });

  it('never gives an answer read while the catalog changed', async () => {
    const { list, reads } = setup();
    let n = 100;
    // the rows are read, then a commit lands before the read is over
    const stale = await list(['t', 1000], () => insert(other, n, ++n));
    const current = await list(['t', 1000]);
    expect(current).toHaveLength(stale.length + 1);
    expect(reads()).toBe(2);
  });
});
