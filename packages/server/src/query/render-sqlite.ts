import type { Comparison } from './ast.js';
import type { FieldRef, Ir, IrLeaf, JsonType } from './ir.js';
import { jsonPathLiteral, sqlString } from './json-path.js';

/** A WHERE fragment and its positional parameters. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export interface SqliteRenderOptions {
  /** Alias of the `records` table in the enclosing query (default `r`). */
  alias?: string;
  /** Name of the rtree spatial index table (default `record_geo`). */
  geoTable?: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WIDE = 32;
const OPERATOR: Record<'eq' | Comparison, string> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`renderSqlite: not a plain identifier: ${name}`);
  return name;
}

/**
 * Renders the IR as a SQLite boolean expression over the records table alias:
 * values always travel as `?` parameters; JSON paths are literals so expression
 * indexes apply. Needs the functions of registerSqliteFunctions.
 * @example renderSqlite(compileQuery({ name: 'India' }))
 * // { sql: "(json_extract(r.doc, '$.name') = ? AND json_type(r.doc, '$.name') = 'text')", params: ['India'] }
 */
export function renderSqlite(ir: Ir, options: SqliteRenderOptions = {}): SqlFragment {
  const alias = identifier(options.alias ?? 'r');
  const geoTable = identifier(options.geoTable ?? 'record_geo');
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return '?';
  };
  const list = (values: readonly unknown[]) => values.map(p).join(', ');
  const typeList = (types: readonly JsonType[]) =>
    types.length === 1 ? ` = '${types[0]}'` : ` IN (${types.map((t) => `'${t}'`).join(', ')})`;
  const typeIn = (types: readonly string[]) =>
    types.length === 1 ? `${alias}.type = ${p(types[0])}` : `${alias}.type IN (${list(types)})`;

  const doc = (f: FieldRef) =>
    // Masked sub-paths are removed in JS (bbk_json_without) because json_remove cannot reach
    // through arrays. The paths come from the policy, and travel as a quoted literal rather
    // than a parameter so every placeholder keeps its textual order.
    f.without.length === 0
      ? `${alias}.doc`
      : `bbk_json_without(json(${alias}.doc), ${sqlString(JSON.stringify(f.without))})`;
  const extract = (f: FieldRef) => `json_extract(${doc(f)}, ${jsonPathLiteral(f.path)})`;
  const type = (f: FieldRef) => `json_type(${doc(f)}, ${jsonPathLiteral(f.path)})`;
  // Text JSON of the value (strings quoted), for the JS functions.
  const json = (f: FieldRef) => `${doc(f)} -> ${jsonPathLiteral(f.path)}`;
  function valueClasses(f: FieldRef, types: readonly JsonType[]): string[] {
    const terms: string[] = [];
    const bools = types.filter((t) => t === 'true' || t === 'false').map((t) => (t === 'true' ? 1 : 0));
    if (types.includes('null')) terms.push(`${extract(f)} IS NULL`);
    if (bools.length === 1) terms.push(`${extract(f)} = ${bools[0]}`);
    else if (bools.length === 2) terms.push(`${extract(f)} IN (0, 1)`);
    if (types.includes('integer') || types.includes('real')) terms.push(`${extract(f)} < ''`);
    if (types.includes('text') || types.includes('array') || types.includes('object'))
      terms.push(`${extract(f)} >= ''`);
    return terms;
  }
  const rtree = (f: FieldRef, [minX, minY, maxX, maxY]: readonly number[]) =>
    `${alias}.seq IN (SELECT record_seq FROM ${geoTable} WHERE min_x <= ${p(maxX)} AND max_x >= ${p(minX)}` +
    ` AND min_y <= ${p(maxY)} AND max_y >= ${p(minY)} AND path = ${p(f.path.join('.'))})`;

  function leaf(l: IrLeaf): string {
    switch (l.kind) {
      case 'exists':
        return `${type(l.field)} IS NOT NULL`;
      case 'nullish':
        return `${extract(l.field)} IS NULL`;
      case 'jsonType':
        // The value-class term is implied by the type test; it is there so an expression
        // index on json_extract(doc, path) can serve `{p: true}`, `{p: null}` and the
        // cross-type halves of numeric ranges (SQLite orders NULL < numbers < text).
        // One disjunct per value class, so SQLite's OR optimisation can use the index for each.
        return junction(
          valueClasses(l.field, l.types).map((c): string => `(${c} AND ${type(l.field)}${typeList(l.types)})`),
          ' OR ',
        );
      case 'cmp': {
        // Guard after the comparison: `json_extract(…) = ?` stays the index-usable term.
        const guard = typeof l.value === 'string' ? typeList(['text']) : typeList(['integer', 'real']);
        return `(${extract(l.field)} ${OPERATOR[l.op]} ${p(l.value)} AND ${type(l.field)}${guard})`;
      }
      case 'inText':
        return `(${extract(l.field)} IN (${list(l.values)}) AND ${type(l.field)}${typeList(['text'])})`;
      case 'inNumber':
        return `(${extract(l.field)} IN (${list(l.values)}) AND ${type(l.field)}${typeList(['integer', 'real'])})`;
      case 'jsonEqual':
        return `bbk_json_equal(${json(l.field)}, ${p(JSON.stringify(l.value))})`;
      case 'jsonContains':
        return `bbk_json_contains(${json(l.field)}, ${p(JSON.stringify(l.value))})`;
      case 'jsonCompare':
        return `bbk_json_compare(${json(l.field)}, ${p(JSON.stringify(l.value))}) ${OPERATOR[l.op]} 0`;
      case 'regex':
        return `(${type(l.field)}${typeList(['text'])} AND bbk_regexp(${p(l.pattern)}, ${p(l.caseInsensitive ? 'i' : '')}, ${extract(l.field)}))`;
      case 'geoNear': {
        // Parameters are numbered by position: render the prefilter first.
        const pre = l.prefilter === null ? null : rtree(l.field, l.prefilter);
        const exact = `bbk_geo_near(${json(l.field)}, ${p(JSON.stringify(l.geometry))}, ${p(l.min)}, ${p(l.max)})`;
        return pre === null ? exact : `(${pre} AND ${exact})`;
      }
      case 'geoWithin':
        return `(${rtree(l.field, l.prefilter)} AND bbk_geo_within(${json(l.field)}, ${p(JSON.stringify(l.geometry))}))`;
    }
  }

  // SQLite parses `a OR b OR c…` into a left-deep tree and refuses depths over
  // 1000, so wide lists are split into balanced parenthesised halves.
  function junction(items: readonly (Ir | string)[], op: string): string {
    if (items.length === 1 && typeof items[0] === 'string') return items[0];
    if (items.length <= WIDE) return `(${items.map((i) => (typeof i === 'string' ? i : node(i))).join(op)})`;
    const half = Math.ceil(items.length / 2);
    return `(${junction(items.slice(0, half), op)}${op}${junction(items.slice(half), op)})`;
  }

  function node(n: Ir): string {
    switch (n.kind) {
      case 'const':
        return n.value ? '1' : '0';
      case 'and':
      case 'or':
        if (n.items.length === 0) return n.kind === 'and' ? '1' : '0';
        return junction(n.items, n.kind === 'and' ? ' AND ' : ' OR ');
      case 'not':
        if (n.item.kind === 'typeIn') {
          const types = n.item.types;
          return types.length === 1 ? `${alias}.type <> ${p(types[0])}` : `${alias}.type NOT IN (${list(types)})`;
        }
        // An unknown (NULL) operand counts as false, so its negation is true.
        return `NOT coalesce(${node(n.item)}, 0)`;
      case 'typeIn':
        return typeIn(n.types);
      case 'typeSwitch': {
        const whens = n.cases.map((c) => `WHEN ${typeIn(c.types)} THEN ${node(c.body)}`).join(' ');
        return `CASE ${whens} ELSE ${node(n.otherwise)} END`;
      }
      default:
        return leaf(n);
    }
  }

  return { sql: node(ir), params };
}
