import type { Comparison } from './ast.js';
import type { FieldRef, Ir, IrLeaf, JsonType } from './ir.js';
import { jsonPathLiteral, sqlString } from './json-path.js';
import { recordColumn } from './record-column.js';
import { requiredLiterals } from './regex-literals.js';

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
  /**
   * Name of the table of point geometries beside it (default `record_points`: `record_seq`, `path`, `x`, `y`,
   * indexed on path, x, y): a geometry that is one point is indexed there, every other one in the R-tree
   * (storage/sqlite/records/spatial-index.ts), so a geo prefilter reads both.
   */
  pointTable?: string;
  /**
   * FTS5 `trigram` tables over record columns, by the dotted path whose text they hold (e.g.
   * `{ name: 'record_names' }`): a `$regex` on such a path first looks up the records holding every
   * trigram of the fragments every match must contain (`requiredLiterals`), then RE2 checks those. The
   * table's rowid must be the record's `seq`, and its text the path's value for every record whose value
   * is text.
   */
  textIndexes?: Readonly<Record<string, string>>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const WIDE = 32;
const OPERATOR: Record<'eq' | Comparison, string> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };

const typeList = (types: readonly JsonType[]): string =>
  types.length === 1 ? ` = '${types[0]}'` : ` IN (${types.map((t) => `'${t}'`).join(', ')})`;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`renderSqlite: not a plain identifier: ${name}`);
  return name;
}

/** Most trigrams one lookup ANDs (evenly spread over the fragments' trigrams): more narrow little. */
const MAX_TRIGRAMS = 12;

/**
 * The distinct trigrams of the fragments (compared without ASCII case), at most MAX_TRIGRAMS: a table
 * without positions (FTS5 `detail=none`) is asked for the rows holding each, ANDed.
 */
function trigramsOf(fragments: readonly string[]): string[] {
  const grams = new Map<string, string>();
  for (const f of fragments) {
    for (let i = 0; i + 3 <= f.length; i++) grams.set(f.slice(i, i + 3).toLowerCase(), f.slice(i, i + 3));
  }
  const all = [...grams.values()];
  if (all.length <= MAX_TRIGRAMS) return all;
  return Array.from({ length: MAX_TRIGRAMS }, (_, i) => all[Math.floor((i * all.length) / MAX_TRIGRAMS)]!);
}

/**
 * Whether `json_extract` of a JSON value that is not a string could read as this text. Of the others, only an
 * array or an object reads as text (its minified JSON, `[1,2]`); numbers and booleans read as SQL numbers and
 * `null` as NULL, which never equal a text (neither side has an affinity that would convert it). When it cannot,
 * text equality alone means "the string" and the row's `json_type` need not be read: one JSON walk less per
 * matching row, and the SQL the PostgreSQL renderer writes for the same leaf.
 */
function readsAsContainer(text: string): boolean {
  return text.startsWith('[') || text.startsWith('{');
}

/**
 * Renders the IR as a SQLite boolean expression over the records table alias:
 * values always travel as `?` parameters; JSON paths are literals so expression
 * indexes apply. Needs the functions of registerSqliteFunctions.
 * @example renderSqlite(compileQuery({ name: 'India' }))
 * // { sql: "(json_extract(r.doc, '$.name') = ?)", params: ['India'] }
 */
export function renderSqlite(ir: Ir, options: SqliteRenderOptions = {}): SqlFragment {
  const renderer = new SqliteRenderer(
    identifier(options.alias ?? 'r'),
    identifier(options.geoTable ?? 'record_geo'),
    identifier(options.pointTable ?? 'record_points'),
    options.textIndexes ?? {},
  );
  return { sql: renderer.node(ir), params: renderer.params };
}

/** One rendering: the SQL text is returned, the parameters collect in textual order. */
class SqliteRenderer {
  readonly params: unknown[] = [];

  constructor(
    private readonly alias: string,
    private readonly geoTable: string,
    private readonly pointTable: string,
    private readonly textIndexes: Readonly<Record<string, string>>,
  ) {}

  node(n: Ir): string {
    switch (n.kind) {
      case 'const':
        return n.value ? '1' : '0';
      case 'and':
      case 'or':
        if (n.items.length === 0) return n.kind === 'and' ? '1' : '0';
        return this.junction(n.items, n.kind === 'and' ? ' AND ' : ' OR ');
      case 'not':
        if (n.item.kind === 'typeIn') {
          const types = n.item.types;
          return types.length === 1
            ? `${this.alias}.type <> ${this.p(types[0])}`
            : `${this.alias}.type NOT IN (${this.list(types)})`;
        }
        // An unknown (NULL) operand counts as false, so its negation is true.
        return `NOT coalesce(${this.node(n.item)}, 0)`;
      case 'typeIn':
        return this.typeIn(n.types);
      case 'typeSwitch': {
        const whens = n.cases.map((c) => `WHEN ${this.typeIn(c.types)} THEN ${this.node(c.body)}`).join(' ');
        return `CASE ${whens} ELSE ${this.node(n.otherwise)} END`;
      }
      default:
        return this.leaf(n);
    }
  }

  leaf(l: IrLeaf): string {
    switch (l.kind) {
      case 'exists':
        return `${this.type(l.field)} IS NOT NULL`;
      case 'nullish':
        return `${this.extract(l.field)} IS NULL`;
      case 'jsonType':
        // The value-class term is implied by the type test; it is there so an expression
        // index on json_extract(doc, path) can serve `{p: true}`, `{p: null}` and the
        // cross-type halves of numeric ranges (SQLite orders NULL < numbers < text).
        // One disjunct per value class, so SQLite's OR optimisation can use the index for each.
        return this.junction(
          this.valueClasses(l.field, l.types).map(
            (c): string => `(${c} AND ${this.type(l.field)}${typeList(l.types)})`,
          ),
          ' OR ',
        );
      case 'cmp': {
        if (l.op === 'eq' && typeof l.value === 'string' && !readsAsContainer(l.value)) {
          return `(${this.extract(l.field)} = ${this.p(l.value)})`;
        }
        // Guard after the comparison: `json_extract(…) = ?` stays the index-usable term.
        const guard = typeof l.value === 'string' ? typeList(['text']) : typeList(['integer', 'real']);
        return `(${this.extract(l.field)} ${OPERATOR[l.op]} ${this.p(l.value)} AND ${this.type(l.field)}${guard})`;
      }
      case 'inText':
        if (!l.values.some(readsAsContainer)) return `(${this.extract(l.field)} IN (${this.list(l.values)}))`;
        return `(${this.extract(l.field)} IN (${this.list(l.values)}) AND ${this.type(l.field)}${typeList(['text'])})`;
      case 'inNumber':
        return `(${this.extract(l.field)} IN (${this.list(l.values)}) AND ${this.type(l.field)}${typeList(['integer', 'real'])})`;
      case 'jsonEqual':
        return `bbk_json_equal(${this.json(l.field)}, ${this.p(JSON.stringify(l.value))})`;
      case 'jsonContains':
        return `bbk_json_contains(${this.json(l.field)}, ${this.p(JSON.stringify(l.value))})`;
      case 'jsonCompare':
        return `bbk_json_compare(${this.json(l.field)}, ${this.p(JSON.stringify(l.value))}) ${OPERATOR[l.op]} 0`;
      case 'regex': {
        const pre = this.trigrams(l.field, l.pattern);
        return `(${pre}${this.type(l.field)}${typeList(['text'])} AND bbk_regexp(${this.p(l.pattern)}, ${this.p(l.caseInsensitive ? 'i' : '')}, ${this.extract(l.field)}))`;
      }
      case 'geoNear': {
        // Parameters are numbered by position: render the prefilter first.
        const pre = l.prefilter === null ? null : this.rtree(l.field, l.prefilter);
        const exact = `bbk_geo_near(${this.json(l.field)}, ${this.p(JSON.stringify(l.geometry))}, ${this.p(l.min)}, ${this.p(l.max)})`;
        return pre === null ? exact : `(${pre} AND ${exact})`;
      }
      case 'geoWithin':
        return `(${this.rtree(l.field, l.prefilter)} AND bbk_geo_within(${this.json(l.field)}, ${this.p(JSON.stringify(l.geometry))}))`;
    }
  }

  // SQLite parses `a OR b OR c…` into a left-deep tree and refuses depths over
  // 1000, so wide lists are split into balanced parenthesised halves.
  junction(items: readonly (Ir | string)[], op: string): string {
    if (items.length === 1 && typeof items[0] === 'string') return items[0];
    if (items.length <= WIDE) return `(${items.map((i) => (typeof i === 'string' ? i : this.node(i))).join(op)})`;
    const half = Math.ceil(items.length / 2);
    return `(${this.junction(items.slice(0, half), op)}${op}${this.junction(items.slice(half), op)})`;
  }

  p(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  list(values: readonly unknown[]): string {
    return values.map((v) => this.p(v)).join(', ');
  }

  typeIn(types: readonly string[]): string {
    return types.length === 1
      ? `${this.alias}.type = ${this.p(types[0])}`
      : `${this.alias}.type IN (${this.list(types)})`;
  }

  doc(f: FieldRef): string {
    // Masked sub-paths are removed in JS (bbk_json_without) because json_remove cannot reach
    // through arrays. The paths come from the policy, and travel as a quoted literal rather
    // than a parameter so every placeholder keeps its textual order.
    return f.without.length === 0
      ? `${this.alias}.doc`
      : `bbk_json_without(json(${this.alias}.doc), ${sqlString(JSON.stringify(f.without))})`;
  }

  /** The records column that holds the field (`recordColumn`: the entity type), or undefined. */
  column(f: FieldRef): string | undefined {
    const column = recordColumn(f);
    return column && `${this.alias}.${column}`;
  }

  extract(f: FieldRef): string {
    return this.column(f) ?? `json_extract(${this.doc(f)}, ${jsonPathLiteral(f.path)})`;
  }

  type(f: FieldRef): string {
    return this.column(f) === undefined ? `json_type(${this.doc(f)}, ${jsonPathLiteral(f.path)})` : `'text'`;
  }

  /** Text JSON of the value (strings quoted), for the JS functions. */
  json(f: FieldRef): string {
    return `${this.doc(f)} -> ${jsonPathLiteral(f.path)}`;
  }

  valueClasses(f: FieldRef, types: readonly JsonType[]): string[] {
    const terms: string[] = [];
    const bools = types.filter((t) => t === 'true' || t === 'false').map((t) => (t === 'true' ? 1 : 0));
    if (types.includes('null')) terms.push(`${this.extract(f)} IS NULL`);
    if (bools.length === 1) terms.push(`${this.extract(f)} = ${bools[0]}`);
    else if (bools.length === 2) terms.push(`${this.extract(f)} IN (0, 1)`);
    if (types.includes('integer') || types.includes('real')) terms.push(`${this.extract(f)} < ''`);
    if (types.includes('text') || types.includes('array') || types.includes('object'))
      terms.push(`${this.extract(f)} >= ''`);
    return terms;
  }

  /**
   * `seq IN (records whose text holds every required fragment) AND `, or '' when the path has no
   * trigram table or the pattern requires no fragment. FTS5 trigrams compare without case (Unicode
   * folding, which covers RE2's: K/k/U+212A, S/s/U+017F), so the lookup never drops a match.
   */
  trigrams(f: FieldRef, pattern: string): string {
    const table = Object.hasOwn(this.textIndexes, f.path.join('.')) ? this.textIndexes[f.path.join('.')] : undefined;
    if (table === undefined || f.without.length > 0) return '';
    const grams = trigramsOf(requiredLiterals(pattern));
    if (grams.length === 0) return '';
    const match = grams.map((x) => `"${x.replaceAll('"', '""')}"`).join(' AND ');
    return `${this.alias}.seq IN (SELECT rowid FROM ${identifier(table)} WHERE ${identifier(table)} MATCH ${this.p(match)}) AND `;
  }

  /** The records with a geometry at the field's path whose bbox meets the window: R-tree rows and points. */
  rtree(f: FieldRef, [minX, minY, maxX, maxY]: readonly number[]): string {
    const path = f.path.join('.');
    return (
      `${this.alias}.seq IN (SELECT record_seq FROM ${this.geoTable} WHERE min_x <= ${this.p(maxX)} AND max_x >= ${this.p(minX)}` +
      ` AND min_y <= ${this.p(maxY)} AND max_y >= ${this.p(minY)} AND path = ${this.p(path)}` +
      ` UNION ALL SELECT record_seq FROM ${this.pointTable} WHERE path = ${this.p(path)}` +
      ` AND x BETWEEN ${this.p(minX)} AND ${this.p(maxX)} AND y BETWEEN ${this.p(minY)} AND ${this.p(maxY)})`
    );
  }
}
