/**
 * User-supplied entity type schemas (spec §2.4, §3.2). The check is lenient, like the original:
 * only a schema the validator cannot load is invalid (non-object, `{"type":null}`, an unresolvable
 * `$ref`); unknown types and bad keyword values (`{"type":"foobar"}`, `{"required":"x"}`) are
 * accepted and then constrain nothing. This module sanitises, bounds and compiles them to standalone
 * code; the server reaches it only through `SchemaCompiler` (schema-compiler.ts), which runs the
 * costly part on a thread of its own and caches the result.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ValidationItem } from '@bbk/sdk/protocol';
import type { Ajv, AnySchema, ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { createAjv, createUserSchemaAjv, userSchemaModules } from './ajv.js';
import { type ValidateAt, validatorFrom } from './create-validator.js';
import { pointerSegments } from './paths.js';

type Node = Record<string, unknown>;

/** A JSON object (not an array, not null). */
export const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

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

/**
 * What an entity type's schema may cost (spec §2.4 leaves it open). Checking and compiling a
 * schema runs on the thread that serves every request, so a schema beyond these bounds cannot be
 * loaded and gets `is not valid JSON schema`. Real schemas are far inside them: the GeoJSON
 * schema, one of the larger ones in use, has about 1,500 values, 12 levels and lists of 9.
 */
export const SCHEMA_LIMITS = {
  /** every object, array and scalar counted once */
  values: 10_000,
  /** levels of JSON nesting */
  depth: 64,
  /** items in any one array (`enum`, `required`, `type`, `allOf`…) */
  listItems: 1_000,
  /** characters in any one string or key (a `pattern` included) */
  stringLength: 4_096,
  /**
   * characters of the compiled check (about 1.5 KB per constrained property, so some 250
   * properties): loading and first running it costs the serving thread about 0.2 ms per KB
   */
  code: 400_000,
} as const;

/** Whether `schema` stays within {@link SCHEMA_LIMITS}; iterative, and stops at the first excess. */
export function withinSchemaLimits(schema: unknown): boolean {
  let values = 0;
  const stack: [unknown, number][] = [[schema, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (++values > SCHEMA_LIMITS.values || depth > SCHEMA_LIMITS.depth) return false;
    if (typeof value === 'string') {
      if (value.length > SCHEMA_LIMITS.stringLength) return false;
    } else if (Array.isArray(value)) {
      if (value.length > SCHEMA_LIMITS.listItems) return false;
      for (const item of value) stack.push([item, depth + 1]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (key.length > SCHEMA_LIMITS.stringLength) return false;
        stack.push([item, depth + 1]);
      }
    }
  }
  return true;
}

const standaloneCode = standaloneModule.default;
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

/** A user schema made ready on any thread: the sanitised schema and ajv's standalone code for it. */
export interface RecordValidatorSource {
  ok: boolean;
  schema?: Node;
  code?: string;
}

/**
 * Sanitises and compiles `schema` to standalone code (ajv's code generation, the costly part),
 * or `{ ok: false }` when it cannot be loaded. Runs on the schema compiler thread.
 */
export function recordValidatorSource(schema: unknown): RecordValidatorSource {
  if (!isNode(schema) || !withinSchemaLimits(schema)) return { ok: false };
  const clean = sanitise(schema);
  if (!clean) return { ok: false };
  try {
    const ajv = createUserSchemaAjv({ source: true });
    const code = standaloneCode(ajv, ajv.compile(clean as AnySchema));
    return code.length > SCHEMA_LIMITS.code ? { ok: false } : { ok: true, schema: clean, code };
  } catch {
    // unresolvable $ref, a pattern RE2 cannot compile…: the schema cannot be loaded
    return { ok: false };
  }
}

/** A loaded user schema: whether it could be loaded, and the record check it gives. */
export interface Loaded {
  ok: boolean;
  validate: ValidateAt;
}

const acceptAll: ValidateAt = () => [];
let modules: Record<string, unknown> | undefined;
const requireRuntime = createRequire(import.meta.url);

/** Turns generated code back into a record check (cheap: V8 compiles it lazily). */
export function loadSource(source: RecordValidatorSource): Loaded {
  if (!source.ok || source.code === undefined) return { ok: false, validate: acceptAll };
  modules ??= userSchemaModules();
  const found = modules;
  const module = { exports: {} as unknown };
  const require = (id: string): unknown => (id in found ? found[id] : requireRuntime(id));
  new Function('require', 'module', 'exports', source.code)(require, module, module.exports);
  return { ok: true, validate: validatorFrom(module.exports as ValidateFunction, source.schema, 'records.entity') };
}

/** Cache key of a schema. */
export function schemaKey(schema: unknown): string {
  return createHash('sha1').update(JSON.stringify(schema)).digest('hex');
}

/** Checks one record's `entity`; items are named `records.entity.<path>` and carry the record's index. */
export type RecordEntityValidator = (entity: unknown, index: number) => ValidationItem[];
