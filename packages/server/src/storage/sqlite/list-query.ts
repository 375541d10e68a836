import { type Ir, renderSqlite, type SqlFragment, type SqliteRenderOptions } from '../../query/index.js';
import type { CatalogView, ListOptions } from '../catalog-store.js';

/** A catalog list without its page: the WHERE clause over alias `r`, its parameters, and the selected columns. */
export interface ListShape {
  columns: string;
  where: string;
  params: unknown[];
}

/**
 * Live or staged-and-named connectors. The unary `+` keeps the planner from
 * driving the query through the records_connector index: lists must
 * follow `seq` or a selective expression index, never scan a whole connector.
 */
export const VISIBLE = `+r.connector_id IN (SELECT c.id FROM connectors c
  WHERE c.is_live = 1 OR c.contribution_id IN (SELECT value FROM json_each(?)))`;

export const isFalse = (ir: Ir) => ir.kind === 'const' && !ir.value;
export const isTrue = (ir: Ir) => ir.kind === 'const' && ir.value;

const LIST_COLUMNS = 'r.public_id AS publicId, r.type, r.name';
/** The list's columns and the stored document as JSON text (`withDoc`). */
const LIST_COLUMNS_WITH_DOC = `${LIST_COLUMNS}, json(r.doc) AS doc`;

/**
 * A catalog list without its page (columns, WHERE clause, parameters), or undefined when the
 * segment or filter can match nothing.
 */
export function listShape(
  view: CatalogView,
  o: { filter?: Ir; type?: string; withDoc?: boolean },
  segment: (ir: Ir) => SqlFragment | undefined = (ir) => (isTrue(ir) ? undefined : renderSqlite(ir)),
  options: SqliteRenderOptions = {},
): ListShape | undefined {
  if (isFalse(view.segment) || (o.filter && isFalse(o.filter))) return undefined;
  const where = [VISIBLE];
  const params: unknown[] = [JSON.stringify(view.staged)];
  if (o.type !== undefined) {
    where.push('r.type = ?');
    params.push(o.type);
  }
  for (const f of [segment(view.segment), o.filter ? renderSqlite(o.filter, options) : undefined]) {
    if (!f) continue;
    where.push(`(${f.sql})`);
    params.push(...f.params);
  }
  return { columns: o.withDoc ? LIST_COLUMNS_WITH_DOC : LIST_COLUMNS, where: where.join(' AND '), params };
}

/**
 * A page of the list `shape` in catalog order (parameters: the shape's, then limit and offset). `head` goes first in
 * its WHERE clause (the budget marker of bounded-lists.ts).
 */
export function pageSql(shape: ListShape, head = ''): string {
  return `SELECT ${shape.columns} FROM records r WHERE ${head}${shape.where} ORDER BY r.seq LIMIT ? OFFSET ?`;
}

/**
 * The SQL of a catalog list (exported for EXPLAIN QUERY PLAN tests and the
 * benchmark), or undefined when the segment or filter can match nothing.
 */
export function listQuery(
  view: CatalogView,
  o: ListOptions,
  segment?: (ir: Ir) => SqlFragment | undefined,
): SqlFragment | undefined {
  const shape = listShape(view, o, segment);
  if (!shape) return undefined;
  return {
    sql: pageSql(shape),
    params: [...shape.params, o.limit, o.offset],
  };
}
