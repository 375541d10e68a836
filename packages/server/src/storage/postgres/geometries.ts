import type { FoundShape } from '../../geo/index.js';
import type { Queryable } from './pg-database.js';

/**
 * What `records.geo` holds on PostgreSQL: JSON text of `[{path, geometry}]`, each geometry the normalised 2-D
 * GeoJSON `parseGeometry` gives, as `geo/extractGeometries` found them; null when there are none. The spatial
 * index (`record_geo`) is built from it in SQL.
 */
export function shapesJson(shapes: readonly FoundShape[]): string | null {
  return shapes.length > 0 ? JSON.stringify(shapes) : null;
}

/**
 * The PostGIS geometry of a `geo` entry (`{path, geometry}`, jsonb) named `entry`. A point is made from its two
 * coordinates (`ST_MakePoint`), byte for byte the geometry `ST_GeomFromGeoJSON` gives, without writing the
 * GeoJSON out as text and parsing it again: 100,000 points in 0.15 s of the backend's time against 0.35–0.55 s
 * (docs/POSTGRES.md). Other shapes go through the GeoJSON parser.
 */
export function geometryOf(entry: string): string {
  return `ST_SetSRID(CASE WHEN ${entry} #>> '{geometry,type}' = 'Point'
    THEN ST_MakePoint((${entry} #>> '{geometry,coordinates,0}')::float8, (${entry} #>> '{geometry,coordinates,1}')::float8)
    ELSE ST_GeomFromGeoJSON((${entry} -> 'geometry')::text) END, 4326)`;
}

/**
 * The spatial index rows of the records a CTE named `changed` returns, made from their `geo` entries: the tail
 * of the statement that inserted them (new records have no old rows).
 */
export const NEW_GEO_ROWS = `INSERT INTO record_geo (record_seq, path, geom)
SELECT changed.seq, e ->> 'path', ${geometryOf('e')}
FROM changed CROSS JOIN LATERAL jsonb_array_elements(changed.geo) AS e WHERE changed.geo IS NOT NULL`;

/**
 * CTEs that rebuild the spatial index rows of the records a CTE named `changed` (columns `seq`, `geo`)
 * returns, in the same statement as the write that produced them: their old rows go, their `geo` entries
 * become rows. The statement goes on with its own final query. For a commit: the old rows are found by
 * one hash join over `record_geo`.
 */
export const REINDEX_CHANGED_ROWS = `regeo_gone AS (DELETE FROM record_geo g USING changed WHERE g.record_seq = changed.seq),
regeo AS (${NEW_GEO_ROWS})`;

/**
 * The tail of a stream call's statement, doing the same for the few records of the call, whose `changed`
 * also says which were `stored` before it: only those can have old rows, and they are found through
 * `record_geo_record`. (The join above, planned for a handful of rows, reads all of `record_geo` in every
 * call: a stream of n records would cost O(n²).)
 */
export const REINDEX_CHANGED_FEW = `regeo_gone AS (
  DELETE FROM record_geo WHERE record_seq = ANY (ARRAY(SELECT seq FROM changed WHERE stored)))
${NEW_GEO_ROWS}`;

/** Rebuilds the spatial index rows of the records `seqs` from their `geo` column. */
export async function reindexGeometries(c: Queryable, seqs: readonly number[]): Promise<void> {
  if (seqs.length === 0) return;
  await c.query('DELETE FROM record_geo WHERE record_seq = ANY($1::bigint[])', [seqs]);
  await c.query(
    `INSERT INTO record_geo (record_seq, path, geom)
     SELECT r.seq, g ->> 'path', ${geometryOf('g')}
     FROM records r CROSS JOIN LATERAL jsonb_array_elements(r.geo) AS g
     WHERE r.seq = ANY($1::bigint[]) AND r.geo IS NOT NULL`,
    [seqs],
  );
}
