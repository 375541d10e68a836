import { MAX_SECTION_DEPTH, type PreparedRecord, UnstorableRecordError } from '../records-store.js';
import { REINDEX_CHANGED_FEW, shapesJson } from './geometries.js';
import { type Queryable, sqlState } from './pg-database.js';

/**
 * The input rows of a batch: one jsonb parameter, an array with a `[public_id, vendor_id, name, doc, geo]` element per
 * record (geo left out when null), so the documents, already JSON text, go in as they are (a `text[]` literal would
 * escape every quote of every document, and the backend unescape them, before parsing each as jsonb), and the
 * batch is parsed once. Columns of `t`: public_id, vendor_id, name, doc, geo, in posted order (`ord`).
 */
const batchRows = (param: string) => `(SELECT b.e ->> 0 AS public_id, b.e ->> 1 AS vendor_id, b.e ->> 2 AS name,
    b.e -> 3 AS doc, b.e -> 4 AS geo, b.ord FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS b(e, ord)) AS t`;

/**
 * Stream upserts, one statement: a key already stored keeps its place; one stored exactly so already
 * is not rewritten; new keys follow in posted order (the identity is drawn in that order); the spatial
 * index rows of the records whose geometries changed are rebuilt from what the upsert returned.
 */
const STREAM_UPSERT = `WITH old AS (SELECT public_id, geo FROM records WHERE public_id = ANY($3::text[])),
up AS (
  INSERT INTO records (public_id, connector_id, type, vendor_id, name, doc, geo)
  SELECT n.public_id, $1, $2, n.vendor_id, n.name, n.doc, n.geo FROM (
    SELECT t.public_id, t.vendor_id, t.name, t.doc, t.geo FROM ${batchRows('$4')} ORDER BY t.ord) AS n
  ON CONFLICT (public_id) DO UPDATE SET type = excluded.type, name = excluded.name, doc = excluded.doc, geo = excluded.geo
  WHERE records.doc IS DISTINCT FROM excluded.doc OR records.geo IS DISTINCT FROM excluded.geo
     OR records.type IS DISTINCT FROM excluded.type
  RETURNING seq, public_id, geo),
changed AS (SELECT up.seq, up.geo, old.public_id IS NOT NULL AS stored FROM up LEFT JOIN old USING (public_id)
  WHERE old.public_id IS NULL OR old.geo IS DISTINCT FROM up.geo),
${REINDEX_CHANGED_FEW}`;

const PEND_UPSERT = `INSERT INTO session_ops (connector_id, op, vendor_id, public_id, doc, geo)
  SELECT $1, 'upsert', n.vendor_id, n.public_id, n.doc, n.geo FROM (
    SELECT t.public_id, t.vendor_id, t.doc, t.geo FROM ${batchRows('$2')} ORDER BY t.ord) AS n`;

/** SQLSTATE of a document nested past PostgreSQL's stack (U+0000 is `UnstorableValueError`, see pg-database.ts). */
const TOO_DEEP = '54001';

/**
 * The records of one call with each key once, in order of first appearance, carrying the
 * last appearance's values (what applying them one by one would leave in the catalog).
 */
function lastWins(records: readonly PreparedRecord[]): PreparedRecord[] {
  const at = new Map<string, number>();
  const out: PreparedRecord[] = [];
  for (const r of records) {
    const i = at.get(r.publicId);
    if (i === undefined) {
      at.set(r.publicId, out.length);
      out.push(r);
    } else out[i] = r;
  }
  return out;
}

/**
 * A PostgreSQL `text[]` literal: what node-postgres would send for the array, with one replace per
 * element instead of two.
 */
function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${out}}`;
}

/** The jsonb array of {@link batchRows}: the documents spliced in as they are. */
function rowsJson(records: readonly PreparedRecord[]): string {
  let out = '[';
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const geo = shapesJson(r.shapes);
    if (i > 0) out += ',';
    out += `[${JSON.stringify(r.publicId)},${JSON.stringify(r.vendorId)},${JSON.stringify(r.name)},${r.doc}`;
    out += geo === null ? ']' : `,${geo}]`;
  }
  return `${out}]`;
}

/** The parameters of one call's records for either mode, built before the call waits for its connector's turn. */
export interface RecordBatch {
  /** each key once, last values (stream): the keys as a `text[]`, and the rows */
  stream: readonly [string, string];
  /** every record, in posted order (accrue, replace): the rows */
  pending: string;
}

export function recordBatch(records: readonly PreparedRecord[]): RecordBatch {
  const pending = rowsJson(records);
  const once = lastWins(records);
  // no key twice: the same records in the same order
  const stream = once.length === records.length ? pending : rowsJson(once);
  return { pending, stream: [textArray(once.map((r) => r.publicId)), stream] };
}

/** The first record nested too deeply for PostgreSQL, for `UnstorableRecordError`. */
export function unstorable(err: unknown, records: readonly PreparedRecord[]): unknown {
  if (sqlState(err) !== TOO_DEEP) return err;
  const deepest = records.map((r) => depthOf(r.doc));
  return new UnstorableRecordError(deepest.indexOf(Math.max(...deepest)));
}

/** Deepest bracket nesting of a JSON text (brackets inside strings are skipped). */
function depthOf(json: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return max;
}

/** The index of the first record nested deeper than the SQLite engine takes (so both store the same records), or -1. */
export function tooDeep(records: readonly PreparedRecord[]): number {
  // the record's own object + MAX_SECTION_DEPTH levels of entity / instance
  return records.findIndex((r) => depthOf(r.doc) > MAX_SECTION_DEPTH + 1);
}

/** Stream mode: writes the call's records into the catalog and re-indexes the geometries that changed (one statement). */
export async function writeStream(c: Queryable, connectorId: number, type: string, batch: RecordBatch): Promise<void> {
  await c.query(STREAM_UPSERT, [connectorId, type, ...batch.stream]);
}

/** Accrue / replace mode: notes the call's upserts as pending operations, in posted order. */
export async function writePending(c: Queryable, connectorId: number, batch: RecordBatch): Promise<void> {
  await c.query(PEND_UPSERT, [connectorId, batch.pending]);
}
