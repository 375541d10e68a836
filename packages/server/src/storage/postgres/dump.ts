import { extractGeometries, type FoundShape } from '../../geo/index.js';
import {
  DUMP_CONTENT_TABLES,
  DUMP_COUNTED_TABLES,
  DUMP_SEQUENCES,
  DumpChecker,
  type DumpCounts,
  type DumpItem,
  type DumpRow,
  type DumpSequence,
  LOAD_BATCH,
  type LoadProgress,
  type RecordDumpRow,
  type SequenceRow,
  StoreNotEmptyError,
  zeroCounts,
} from '../dump.js';
import { PG_TABLES, type PgDumpTable } from './dump-tables.js';
import { reindexGeometries, shapesJson } from './geometries.js';
import type { PgDb, Queryable } from './pg-database.js';

/** Rows fetched from the dump's cursor at a time. */
const FETCH = 2000;

/** The identity sequence of each dumped sequence (PostgreSQL's default names). */
const SEQUENCE_OF: Record<DumpSequence, string> = {
  users: 'users_id_seq',
  entity_types: 'entity_types_id_seq',
  connectors: 'connectors_id_seq',
  policies: 'policies_id_seq',
  accesses: 'accesses_id_seq',
  violations: 'violations_id_seq',
  records: 'records_seq_seq',
};
const COLUMN_OF = (name: DumpSequence) => (name === 'records' ? 'seq' : 'id');

const LAST_VALUE = `SELECT coalesce(last_value, 0) AS v FROM pg_sequences
  WHERE schemaname = current_schema() AND sequencename = $1`;

/**
 * Every row of the store from one snapshot: a REPEATABLE READ, read-only transaction on one
 * connection, each table read through a cursor (a million records never sit in memory).
 */
export async function* dumpPostgres(db: PgDb): AsyncGenerator<DumpItem> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const counts = zeroCounts();
    counts.sequences = DUMP_SEQUENCES.length;
    for (const t of DUMP_COUNTED_TABLES)
      counts[t] = Number((await client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    const sessions = await client.query<{ n: number }>('SELECT count(*) AS n FROM sessions');
    yield { t: 'start', engine: 'postgres', counts, openSessions: Number(sessions.rows[0]?.n ?? 0) };
    for (const name of DUMP_SEQUENCES) {
      const v = await client.query<{ v: number }>(LAST_VALUE, [SEQUENCE_OF[name]]);
      yield { t: 'sequences', name, value: Number(v.rows[0]?.v ?? 0) };
    }
    for (const t of DUMP_COUNTED_TABLES) {
      const spec = PG_TABLES[t] as PgDumpTable;
      await client.query(`DECLARE dump_rows NO SCROLL CURSOR FOR ${spec.select}`);
      for (;;) {
        const page = await client.query(`FETCH ${FETCH} FROM dump_rows`);
        for (const r of page.rows) yield spec.toRow(r);
        if (page.rows.length < FETCH) break;
      }
      await client.query('CLOSE dump_rows');
    }
    await client.query('COMMIT');
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    client.release();
  }
}

/** What a store holds that makes it not empty (absent: nothing). */
export async function pgContents(c: Queryable): Promise<Partial<DumpCounts> | undefined> {
  const found: Partial<DumpCounts> = {};
  for (const t of DUMP_CONTENT_TABLES) {
    const r = await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${t}`);
    const count = Number(r.rows[0]?.n ?? 0);
    if (count > 0) found[t] = count;
  }
  const used = await c.query<{ n: number }>(
    `SELECT count(*) AS n FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL
       AND sequencename = ANY($1::text[])`,
    [Object.values(SEQUENCE_OF).filter((s) => s !== 'records_seq_seq')],
  );
  if (Number(used.rows[0]?.n ?? 0) > 0) found.sequences = Number(used.rows[0]?.n);
  return Object.keys(found).length > 0 ? found : undefined;
}

/**
 * Loads a dump into this (empty) store in one transaction: rows go in batches of multi-row
 * inserts, catalog records with their geometries (indexed from each document, as the write path
 * does); committed when the counts check out, rolled back on any error. Then ANALYZE of the
 * loaded tables, so the planner knows their sizes.
 */
export async function loadPostgres(
  db: PgDb,
  items: AsyncIterable<DumpItem>,
  onProgress?: LoadProgress,
): Promise<DumpCounts> {
  const counts = await db.tx(async (c) => {
    await c.query('LOCK TABLE users, records IN EXCLUSIVE MODE');
    const found = await pgContents(c);
    if (found) throw new StoreNotEmptyError(found);
    return loadRows(c, items, onProgress);
  });
  // this schema's tables only: a bare ANALYZE would visit every table of the database
  await db.query(`ANALYZE ${[...DUMP_COUNTED_TABLES, 'record_geo'].join(', ')}`);
  return counts;
}

async function loadRows(c: Queryable, items: AsyncIterable<DumpItem>, onProgress?: LoadProgress): Promise<DumpCounts> {
  const checker = new DumpChecker();
  let pending: DumpRow[] = [];
  const sequences: SequenceRow[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = pending;
    pending = [];
    await insertBatch(c, rows);
    const t = rows[0]!.t;
    onProgress?.(t, checker.counts[t]);
  };
  for await (const item of items) {
    if (!checker.take(item)) continue;
    if (item.t === 'sequences') {
      sequences.push(item);
      continue;
    }
    if (pending.length > 0 && (pending[0]!.t !== item.t || pending.length >= LOAD_BATCH)) await flush();
    pending.push(item);
  }
  await flush();
  const counts = checker.end();
  // setval is not undone by a rollback: sequences move only once every row is in and checked
  for (const r of sequences) {
    if (r.value > 0)
      await c.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, true)', [r.name, COLUMN_OF(r.name), r.value]);
  }
  return counts;
}

/** One table's rows in one statement (records: `insertRecords`). */
async function insertBatch(c: Queryable, rows: DumpRow[]): Promise<void> {
  const t = rows[0]!.t as Exclude<DumpRow['t'], 'sequences'>;
  if (t === 'records') return insertRecords(c, rows as RecordDumpRow[]);
  const spec = PG_TABLES[t] as PgDumpTable;
  const params: unknown[] = [];
  const tuples = rows.map((row) => {
    const values = spec.params(row);
    const start = params.length;
    params.push(...values);
    return `(${values.map((_, i) => `$${start + i + 1}`).join(', ')})`;
  });
  const sql = `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) VALUES ${tuples.join(', ')} ${spec.onConflict ?? ''}`;
  await c.query(sql, params);
}

/** The catalog's rows as one array per column (one parameter each, as the write path does), then their spatial index rows. */
const INSERT_RECORDS = `INSERT INTO records (seq, public_id, connector_id, type, vendor_id, name, doc, geo)
  SELECT t.seq, t.public_id, t.connector_id, t.type, t.vendor_id, t.name, t.doc::jsonb, t.geo::jsonb
  FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    AS t(seq, public_id, connector_id, type, vendor_id, name, doc, geo)`;

async function insertRecords(c: Queryable, rows: readonly RecordDumpRow[]): Promise<void> {
  const geos = rows.map((r) => recordGeo(r.doc));
  await c.query(INSERT_RECORDS, [
    rows.map((r) => r.seq),
    rows.map((r) => r.publicId),
    rows.map((r) => r.connectorId),
    rows.map((r) => r.type),
    rows.map((r) => r.vendorId),
    rows.map((r) => r.name),
    rows.map((r) => r.doc),
    geos,
  ]);
  await reindexGeometries(
    c,
    rows.filter((_, i) => geos[i] !== null).map((r) => r.seq),
  );
}

/** `records.geo` for a stored document: its geometries as the write path indexes them. */
function recordGeo(doc: string): string | null {
  if (!doc.includes('"coordinates"')) return null;
  const shapes: FoundShape[] = [];
  extractGeometries(JSON.parse(doc), shapes);
  return shapesJson(shapes);
}
