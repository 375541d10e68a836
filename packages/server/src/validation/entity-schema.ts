/**
 * User-supplied entity type schemas (spec §2.4, §3.2). The check is lenient, like the original:
 * only a schema the validator cannot load is invalid (non-object, `{"type":null}`, an unresolvable
 * `$ref`); unknown types and bad keyword values (`{"type":"foobar"}`, `{"required":"x"}`) are
 * accepted and then constrain nothing.
 */
import { createHash } from 'node:crypto';
import { VALIDATION_REASONS, type ValidationItem } from '@bbk/sdk/protocol';
import type { Ajv, AnySchema } from 'ajv';
import { createAjv, createUserSchemaAjv } from './ajv.js';
import { compileWith, type ValidateAt } from './create-validator.js';
import { pointerSegments } from './paths.js';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

// Keywords whose value is a map of subschemas, a subschema, or an array of subschemas.
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
const SCHEMA_VALUES = new Set([
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
const SCHEMA_ARRAYS = new Set(['allOf', 'anyOf', 'oneOf']);

const hasNull = (type: unknown): boolean => type === null || (Array.isArray(type) && type.includes(null));

/** Visits every subschema; `false` from `visit` stops the walk and is returned. */
function everySchema(node: unknown, visit: (n: Node) => boolean): boolean {
  if (!isNode(node)) return true;
  if (!visit(node)) return false;
  for (const [keyword, arg] of Object.entries(node)) {
    const subs = SCHEMA_MAPS.has(keyword)
      ? isNode(arg)
        ? Object.values(arg)
        : []
      : SCHEMA_VALUES.has(keyword)
        ? [arg]
        : SCHEMA_ARRAYS.has(keyword) || keyword === 'items'
          ? Array.isArray(arg)
            ? arg
            : [arg]
          : [];
    for (const sub of subs) if (!everySchema(sub, visit)) return false;
  }
  return true;
}

/** Older-draft habits ajv rejects: `$schema` of another draft, boolean `exclusiveMinimum`/`exclusiveMaximum`. */
function modernise(node: Node): boolean {
  if (hasNull(node.type)) return false;
  delete node.$schema;
  for (const [exclusive, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof node[exclusive] !== 'boolean') continue;
    if (node[exclusive] && typeof node[bound] === 'number') {
      node[exclusive] = node[bound];
      delete node[bound];
    } else delete node[exclusive];
  }
  return true;
}

/** Removes the keyword holding the bad value at `path` (a pointer into the schema); `false` if none was found. */
function removeAt(schema: Node, path: readonly string[]): boolean {
  let node: unknown = schema;
  for (let i = 0; i < path.length; ) {
    if (!isNode(node)) return false;
    const keyword = path[i] as string;
    const arg = node[keyword];
    if (!(keyword in node)) return false;
    const rest = path.length - i - 1;
    if (rest === 0) {
      delete node[keyword];
      return true;
    }
    const indexed =
      SCHEMA_MAPS.has(keyword) || SCHEMA_ARRAYS.has(keyword) || (keyword === 'items' && Array.isArray(arg));
    if (indexed) {
      const name = path[i + 1] as string;
      const sub = (arg as Record<string, unknown>)[name];
      if (rest === 1 || !isNode(sub)) {
        // a member that is no schema at all: it constrains nothing
        (arg as Record<string, unknown>)[name] = {};
        return true;
      }
      node = sub;
      i += 2;
    } else if (SCHEMA_VALUES.has(keyword) || keyword === 'items') {
      node = arg;
      i += 1;
    } else {
      delete node[keyword];
      return true;
    }
  }
  return false;
}

let meta: Ajv | undefined;

/** A copy of `schema` that ajv can compile with the original's meaning, or `null` if it cannot be loaded. */
function sanitise(schema: Node): Node | null {
  const copy = structuredClone(schema);
  if (!everySchema(copy, modernise)) return null;
  meta ??= createAjv();
  for (let round = 0; round < 64; round++) {
    if (meta.validateSchema(copy)) return copy;
    const paths = (meta.errors ?? []).map((e) => e.instancePath);
    // fix only the deepest bad values: their parents' errors are consequences
    const leaves = [...new Set(paths)].filter((p) => !paths.some((q) => q.startsWith(`${p}/`)));
    let changed = false;
    for (const leaf of leaves) changed = removeAt(copy, pointerSegments(leaf)) || changed;
    if (!changed) return copy;
  }
  return copy;
}

interface Loaded {
  ok: boolean;
  validate: ValidateAt;
}

const CACHE_SIZE = 256;
const cache = new Map<string, Loaded>();
const acceptAll: ValidateAt = () => [];

function load(schema: unknown): Loaded {
  if (!isNode(schema)) return { ok: false, validate: acceptAll };
  const hash = createHash('sha1').update(JSON.stringify(schema)).digest('hex');
  const hit = cache.get(hash);
  if (hit) return hit;
  let loaded: Loaded = { ok: false, validate: acceptAll };
  const clean = sanitise(schema);
  if (clean) {
    try {
      loaded = { ok: true, validate: compileWith(createUserSchemaAjv(), clean as AnySchema, 'records.entity') };
    } catch {
      // unresolvable $ref, bad regex…: the schema cannot be loaded
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(hash, loaded);
  return loaded;
}

/**
 * The custom check of an entity type's `schema` (§2.4): `[]`, or the one item
 * `{ name: 'schema', index: null, reason: 'is not valid JSON schema' }`.
 * @example validateEntitySchema({ type: null }) // [{ name: 'schema', index: null, reason: 'is not valid JSON schema' }]
 */
export function validateEntitySchema(schema: unknown): ValidationItem[] {
  return load(schema).ok ? [] : [{ name: 'schema', index: null, reason: VALIDATION_REASONS.invalidSchema }];
}

/** Checks one record's `entity`; items are named `records.entity.<path>` and carry the record's index. */
export type RecordEntityValidator = (entity: unknown, index: number) => ValidationItem[];

/**
 * Compiles (once per distinct schema, cached by hash) the check of upserted records' `entity`
 * against an entity type's schema (§3.2). A schema without keys, or one that cannot be loaded,
 * accepts every entity.
 * @example compileRecordSchema({ properties: { area: { type: 'number' } } })({ area: 'x' }, 3)
 * // [{ name: 'records.entity.area', index: 3, reason: 'is not of a type(s) number' }]
 */
export function compileRecordSchema(schema: unknown): RecordEntityValidator {
  if (!isNode(schema) || Object.keys(schema).length === 0) return acceptAll as RecordEntityValidator;
  const { validate } = load(schema);
  return (entity, index) => validate(entity, index);
}

/** Checks the `entity` of every record of an upsert body, in record order. */
export function validateRecordEntities(schema: unknown, records: readonly { entity?: unknown }[]): ValidationItem[] {
  const validate = compileRecordSchema(schema);
  return records.flatMap((record, index) => validate(record.entity, index));
}
