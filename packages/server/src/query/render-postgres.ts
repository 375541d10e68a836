import type { Geometry } from '../geo/index.js';
import type { Comparison } from './ast.js';
import type { FieldRef, Ir, IrLeaf, JsonType } from './ir.js';
import { INDEX_SEGMENT, sqlString } from './json-path.js';
import { recordColumn } from './record-column.js';
import { areRegex } from './regex-dialect.js';
import type { SqlFragment } from './render-sqlite.js';

export interface PostgresRenderOptions {
  /** Alias of the `records` table in the enclosing query (default `r`). */
  alias?: string;
  /** Number of the first placeholder (`$1` by default), for fragments placed after other parameters. */
  firstParam?: number;
  /**
   * For an AND's items: the dotted path whose string equality among them is also tested by its text's hash,
   * `hashtext(text) = hashtext($n)`, so that a compound index on that hash and a number range serves the AND
   * (storage/postgres/auto-indexes.ts); undefined for none. The hash's equality follows from the text's.
   */
  hashedEquality?: (items: readonly Ir[]) => string | undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATOR: Record<'eq' | Comparison, string> = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' };
/** An integer-looking segment that is not an array index: PostgreSQL's `#>` would index arrays with it. */
const INTEGER_LIKE = /^-?[0-9]+$/;

/** jsonb_typeof() names of the IR's value classes (booleans are tested by value). */
const TYPE_NAME: Record<Exclude<JsonType, 'true' | 'false'>, string> = {
  null: 'null',
  integer: 'number',
  real: 'number',
  text: 'string',
  array: 'array',
  object: 'object',
};

/** The first character of the JSON text of a number, `true`, `false`, `null`, an array or an object. */
const OTHER_JSON_START = /^[-0-9tfn[{]/;

/**
 * Whether `#>>` of a JSON value that is not a string (its JSON text: `5`, `true`, `[1, 2]`) could read
 * as this text. When it cannot (`Asia`), text equality alone means "the string `Asia`" and the type test
 * is left out: the planner has figures for an indexed `doc #>> path` but none for `jsonb_typeof(…)`,
 * which it guesses matches 0.5% of rows (so it would sort every `Asia` instead of walking in order).
 */
function readsAsOtherJson(text: string): boolean {
  // PostgreSQL writes every non-string value starting with one of these (no white space before it); most texts
  // start otherwise and are decided without JSON.parse, whose exception costs microseconds on each request
  if (!OTHER_JSON_START.test(text)) return false;
  try {
    return typeof JSON.parse(text) !== 'string';
  } catch {
    return false;
  }
}

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`renderPostgres: not a plain identifier: ${name}`);
  return name;
}

/** A `text[]` path literal, e.g. `ARRAY['entity','v']::text[]`; paths are literals so expression indexes apply. */
function pathLiteral(segments: readonly string[]): string {
  return `ARRAY[${segments.map(sqlString).join(',')}]::text[]`;
}

/**
 * Renders the IR as a PostgreSQL boolean expression over the records table alias (`doc jsonb`,
 * `type text`): values always travel as `$n` parameters, JSON paths as literals. The semantics are
 * those of `renderSqlite` (spec §4.3): a leaf on a missing field is false, numeric path segments
 * index arrays only, strings compare by code point. Needs the functions of `POSTGRES_FUNCTIONS`.
 * `$regex` uses PostgreSQL's own `~` / `~*` (the spec's ARE syntax); `$near` / `$within` read the
 * engine's `record_geo` table (PostGIS `geometry(Geometry, 4326)`, GiST-indexed; needs
 * `POSTGRES_GEO_FUNCTIONS` too).
 * @example renderPostgres(compileQuery({ name: 'India' }))
 * // { sql: "(r.doc #>> ARRAY['name']::text[]) = $1", params: ['India'] }
 */
export function renderPostgres(ir: Ir, options: PostgresRenderOptions = {}): SqlFragment {
  const renderer = new PostgresRenderer(
    identifier(options.alias ?? 'r'),
    options.firstParam ?? 1,
    options.hashedEquality,
  );
  return { sql: renderer.node(ir), params: renderer.params };
}

/** One rendering: the SQL text is returned, the parameters collect in placeholder order. */
class PostgresRenderer {
  readonly params: unknown[] = [];

  constructor(
    private readonly alias: string,
    private readonly firstParam: number,
    private readonly hashedEquality?: (items: readonly Ir[]) => string | undefined,
  ) {}

  node(n: Ir): string {
    switch (n.kind) {
      case 'const':
        return n.value ? 'TRUE' : 'FALSE';
      case 'and': {
        if (n.items.length === 0) return 'TRUE';
        const hashed = this.hashedEquality?.(n.items);
        return `(${n.items.map((i) => (hashed === undefined ? this.node(i) : this.hashed(i, hashed))).join(' AND ')})`;
      }
      case 'or':
        if (n.items.length === 0) return 'FALSE';
        return `(${n.items.map((i) => this.node(i)).join(' OR ')})`;
      case 'not':
        if (n.item.kind === 'typeIn') return `NOT (${this.typeIn(n.item.types)})`;
        // An unknown (NULL) operand counts as false, so its negation is true.
        return `NOT coalesce(${this.node(n.item)}, FALSE)`;
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

  /** An AND's item, its string equality on `path` (as `hashedEquality` named it) also tested by the text's hash. */
  hashed(n: Ir, path: string): string {
    if (
      n.kind !== 'cmp' ||
      n.op !== 'eq' ||
      typeof n.value !== 'string' ||
      readsAsOtherJson(n.value) ||
      n.field.without.length > 0 ||
      this.column(n.field) !== undefined ||
      n.field.path.join('.') !== path
    ) {
      return this.node(n);
    }
    const text = this.text(n.field);
    const value = this.p(n.value);
    return `(${text} = ${value} AND hashtext(${text}) = hashtext(${value}))`;
  }

  leaf(l: IrLeaf): string {
    switch (l.kind) {
      case 'exists':
        return `${this.value(l.field)} IS NOT NULL`;
      case 'nullish':
        return `coalesce(${this.type(l.field)}, 'null') = 'null'`;
      case 'jsonType':
        return this.jsonType(l.field, l.types);
      case 'cmp':
        if (typeof l.value === 'string') {
          // equality keeps the plain expression so an index on it serves; order is by code point
          if (l.op === 'eq' && !readsAsOtherJson(l.value)) return `${this.text(l.field)} = ${this.p(l.value)}`;
          const text = l.op === 'eq' ? this.text(l.field) : `${this.text(l.field)} COLLATE "C"`;
          return `(${text} ${OPERATOR[l.op]} ${this.p(l.value)} AND ${this.type(l.field)} = 'string')`;
        }
        return `${this.number(l.field)} ${OPERATOR[l.op]} ${this.p(l.value)}::float8`;
      case 'inText': {
        const any = `${this.text(l.field)} = ANY(${this.p(l.values)}::text[])`;
        return l.values.some(readsAsOtherJson) ? `(${any} AND ${this.type(l.field)} = 'string')` : any;
      }
      case 'inNumber':
        return `${this.number(l.field)} = ANY(${this.p(l.values)}::float8[])`;
      case 'jsonEqual':
        return `${this.value(l.field)} = ${this.p(JSON.stringify(l.value))}::jsonb`;
      case 'jsonContains':
        return `(${this.type(l.field)} = 'array' AND ${this.value(l.field)} @> ${this.p(JSON.stringify(l.value))}::jsonb)`;
      case 'jsonCompare':
        return `bbk_json_compare(${this.value(l.field)}, ${this.p(JSON.stringify(l.value))}::jsonb) ${OPERATOR[l.op]} 0`;
      case 'regex':
        return `(${this.type(l.field)} = 'string' AND ${this.text(l.field)} ~ ${this.p(postgresPattern(l.pattern, l.caseInsensitive))})`;
      case 'geoNear':
        return this.spatial(
          l.field,
          l.prefilter,
          (geom) =>
            `bbk_geo_near(${geom}, ${this.geometry(l.geometry)}, ${this.p(l.min)}::float8, ${this.p(l.max)}::float8)`,
        );
      case 'geoWithin':
        return this.spatial(l.field, l.prefilter, (geom) => `bbk_geo_within(${geom}, ${this.geometry(l.geometry)})`);
    }
  }

  jsonType(f: FieldRef, types: readonly JsonType[]): string {
    const names = [...new Set(types.flatMap((t) => (t === 'true' || t === 'false' ? [] : [`'${TYPE_NAME[t]}'`])))];
    const terms: string[] = [];
    if (names.length > 0)
      terms.push(`${this.type(f)}${names.length === 1 ? ` = ${names[0]}` : ` IN (${names.join(', ')})`}`);
    const bools = types.filter((t) => t === 'true' || t === 'false');
    if (bools.length === 2) terms.push(`${this.type(f)} = 'boolean'`);
    else if (bools.length === 1) terms.push(`${this.value(f)} = '${bools[0]}'::jsonb`);
    return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' OR ')})`;
  }

  /**
   * A geo leaf reads the record's indexed geometry at the field's path (`record_geo`, one row per
   * geometry `extractGeometries` finds), prefiltered by the GiST index on its box. A mask below the
   * field leaves the geometry usable only when it removed nothing from it.
   */
  spatial(f: FieldRef, box: readonly number[] | null, exact: (geom: string) => string): string {
    const envelope =
      box === null
        ? ''
        : ` AND g.geom && ST_MakeEnvelope(${this.p(box[0])}, ${this.p(box[1])}, ${this.p(box[2])}, ${this.p(box[3])}, 4326)`;
    const path = this.p(f.path.join('.'));
    const found = `${this.alias}.seq IN (SELECT g.record_seq FROM record_geo g WHERE g.path = ${path}${envelope} AND ${exact('g.geom')})`;
    if (f.without.length === 0) return found;
    const intact = `${this.value(f)} = ${this.value({ path: f.path, without: [] })}`;
    return `(${intact} AND ${found})`;
  }

  geometry(g: Geometry): string {
    return `ST_SetSRID(ST_GeomFromGeoJSON(${this.p(JSON.stringify(g))}), 4326)`;
  }

  p(value: unknown): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}`;
  }

  typeIn(types: readonly string[]): string {
    return types.length === 1
      ? `${this.alias}.type = ${this.p(types[0])}`
      : `${this.alias}.type = ANY(${this.p(types)}::text[])`;
  }

  doc(f: FieldRef): string {
    // Masked sub-paths travel as a literal, so every placeholder keeps its order.
    return f.without.length === 0
      ? `${this.alias}.doc`
      : `bbk_json_without(${this.alias}.doc, ${sqlString(JSON.stringify(f.without))}::jsonb)`;
  }

  /**
   * `#>` reads `path`, guarded where it would differ from the spec's paths: an index segment
   * must meet an array, an integer-looking key an object (`#>` indexes arrays with both).
   */
  extract(f: FieldRef, operator: '#>' | '#>>'): string {
    const doc = this.doc(f);
    const guards: string[] = [];
    f.path.forEach((segment, i) => {
      const parent = `jsonb_typeof(${doc} #> ${pathLiteral(f.path.slice(0, i))})`;
      if (INDEX_SEGMENT.test(segment)) guards.push(`${parent} = 'array'`);
      else if (INTEGER_LIKE.test(segment)) guards.push(`${parent} = 'object'`);
    });
    const read = `(${doc} ${operator} ${pathLiteral(f.path)})`;
    return guards.length === 0 ? read : `(CASE WHEN ${guards.join(' AND ')} THEN ${read} END)`;
  }

  /** The records column that holds the field (`recordColumn`: the entity type), or undefined. */
  column(f: FieldRef): string | undefined {
    const column = recordColumn(f);
    return column && `${this.alias}.${column}`;
  }

  value(f: FieldRef): string {
    const column = this.column(f);
    return column === undefined ? this.extract(f, '#>') : `to_jsonb(${column})`;
  }

  text(f: FieldRef): string {
    return this.column(f) ?? this.extract(f, '#>>');
  }

  type(f: FieldRef): string {
    return this.column(f) === undefined ? `jsonb_typeof(${this.value(f)})` : `'string'`;
  }

  /** The field as a double when it is a JSON number, else NULL (so every comparison is false). */
  number(f: FieldRef): string {
    return `(CASE WHEN ${this.type(f)} = 'number' THEN ${this.value(f)}::float8 END)`;
  }
}

/** A `$regex` written as ARE (`regex-dialect.ts`); parsing refused every pattern without a translation. */
function postgresPattern(pattern: string, caseInsensitive: boolean): string {
  const are = areRegex(pattern, caseInsensitive);
  if (are === null) throw new Error('a $regex without an ARE translation reached the renderer');
  return are;
}
