// Test support: the PostgreSQL twin of catalog-db.ts, in a schema of its own on the database that
// BBK_TEST_DATABASE_URL names (see testing/postgres.ts). Not used at run time.
import { extractGeometries, parseGeometry } from '../../geo/index.js';
import { compileQuery, renderPostgres, validateQuery } from '../index.js';
import type { FieldMask } from '../masks.js';
import { type TestRecord, TIMESERIES } from './catalog-db.js';
import { connectFunctionsSchema } from './postgres.js';

export interface PgCatalogDb {
  insert(record: TestRecord, type?: string, timeseries?: Record<string, unknown>): Promise<void>;
  /** Vendor ids of the records matching `q`, in insertion order; throws on an invalid query. */
  ids(q: unknown, masks?: readonly FieldMask[]): Promise<string[]>;
  /** Drops the schema and disconnects. */
  close(): Promise<void>;
}

export async function createPgCatalogDb(
  url: string,
  records: readonly TestRecord[] = [],
  type = 'country',
): Promise<PgCatalogDb> {
  const { client, schema } = await connectFunctionsSchema(url, 'bbk_test');
  await client.query(`
    CREATE TABLE records (
      seq bigserial PRIMARY KEY, public_id text NOT NULL UNIQUE, connector_id int NOT NULL,
      type text NOT NULL, vendor_id text NOT NULL, name text NOT NULL, doc jsonb NOT NULL,
      UNIQUE (connector_id, vendor_id));
    CREATE TABLE record_geo (
      record_seq bigint NOT NULL REFERENCES records (seq) ON DELETE CASCADE, path text NOT NULL,
      geom geometry(Geometry, 4326) NOT NULL);
    CREATE INDEX ON record_geo USING gist (geom);
    CREATE INDEX ON record_geo (record_seq)`);
  const insert = async (record: TestRecord, recordType = type, timeseries: Record<string, unknown> = TIMESERIES) => {
    const doc = { ...record, type: recordType, timeseries };
    const { rows } = await client.query<{ seq: string }>(
      'INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc) VALUES ($1, 1, $2, $3, $4, $5::jsonb) RETURNING seq',
      [`${recordType}:${record.id}`, recordType, record.id, record.name, JSON.stringify(doc)],
    );
    for (const { path } of extractGeometries(doc)) {
      const geometry = parseGeometry(path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], doc));
      await client.query(
        'INSERT INTO record_geo (record_seq, path, geom) VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))',
        [rows[0]?.seq, path, JSON.stringify(geometry)],
      );
    }
  };
  for (const r of records) await insert(r);
  const ids = async (q: unknown, masks: readonly FieldMask[] = []) => {
    const v = validateQuery(q);
    if (!v.ok) throw new Error(`invalid query ${JSON.stringify(q).slice(0, 200)}: ${v.reason}`);
    const { sql, params } = renderPostgres(compileQuery(v.query, { masks }));
    const result = await client.query<{ vendor_id: string }>(
      `SELECT vendor_id FROM records r WHERE ${sql} ORDER BY r.seq`,
      params,
    );
    return result.rows.map((row) => row.vendor_id);
  };
  const close = async () => {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  };
  return { insert, ids, close };
}
