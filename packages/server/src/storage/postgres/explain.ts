import type { SqlFragment } from '../../query/index.js';
import type { CatalogExplain } from '../catalog-store.js';
import type { Queryable } from './pg-database.js';

/** One node of `EXPLAIN (ANALYZE, FORMAT JSON)`, the fields read here. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** The plan as lines, outermost step first, each indented by its depth (like PostgreSQL's text format). */
function lines(node: PlanNode, depth: number, out: string[]): void {
  let line = node['Node Type'];
  if (node['Index Name']) line += ` using ${node['Index Name']}`;
  if (node['Relation Name']) line += ` on ${node['Relation Name']}${node.Alias ? ` ${node.Alias}` : ''}`;
  out.push(`${'  '.repeat(depth)}${line}`);
  for (const child of node.Plans ?? []) lines(child, depth + 1, out);
}

function indexes(node: PlanNode, out: Set<string>): void {
  if (node['Index Name']) out.add(node['Index Name']);
  for (const child of node.Plans ?? []) indexes(child, out);
}

/** Rows the scans of `records` looked at: those they kept plus those their filters removed, over every loop. */
function examined(node: PlanNode): number {
  let n = 0;
  if (node['Relation Name'] === 'records') {
    const kept = node['Actual Rows'] ?? 0;
    const removed = (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    n += (kept + removed) * (node['Actual Loops'] ?? 1);
  }
  for (const child of node.Plans ?? []) n += examined(child);
  return n;
}

/**
 * Explains a catalog list on PostgreSQL: runs `EXPLAIN (ANALYZE, FORMAT JSON)` of the very SQL
 * `list` runs (`pgListQuery`) and reads the plan, the indexes used, the rows the scans of
 * `records` examined, the rows returned and the execution time. `startsAt` is null: the caller sets it
 * when the SQL starts from a remembered position, and adds the automatic indexes.
 */
export async function pgExplainList(
  db: Queryable,
  q: SqlFragment | undefined,
): Promise<Omit<CatalogExplain, 'automaticIndexes'>> {
  const none = { startsAt: null };
  if (!q) return { sql: null, plan: [], indexes: [], examined: 0, returned: 0, ms: 0, ...none };
  const r = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
    q.params,
  );
  const top = r.rows[0]!['QUERY PLAN'][0];
  const plan: string[] = [];
  lines(top.Plan, 0, plan);
  const used = new Set<string>();
  indexes(top.Plan, used);
  return {
    sql: q.sql,
    plan,
    indexes: [...used],
    examined: examined(top.Plan),
    returned: top.Plan['Actual Rows'] ?? 0,
    ms: top['Execution Time'],
    ...none,
  };
}
