/**
 * Declaration order of schema errors (spec §1.8): the original validator walks each schema node's
 * keywords in the order they are written, `properties` in declaration order and arrays item by item.
 * ajv groups keywords its own way, so each error gets a sort key from its schema path.
 */
import type { ErrorObject } from 'ajv';
import { pointerSegments } from './paths.js';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Positions of an object's keys, computed once per object for one batch of errors: an object
 * with n bad keys gives n errors, and a scan per error made that quadratic (5,000 extra
 * properties in one record took 11 s of the event loop).
 */
export type KeyPositions = WeakMap<object, Map<string, number>>;

function keyPosition(obj: unknown, key: string | undefined, cache: KeyPositions): number {
  if (key === undefined || obj === null || typeof obj !== 'object') return -1;
  let positions = cache.get(obj);
  if (!positions) {
    positions = new Map(Object.keys(obj).map((k, i) => [k, i]));
    cache.set(obj, positions);
  }
  return positions.get(key) ?? -1;
}

function child(data: unknown, key: string | undefined): unknown {
  if (key === undefined || data === null || typeof data !== 'object') return undefined;
  return (data as Record<string, unknown>)[key];
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A key whose lexicographic order is the declaration order of the error. Pass one `cache` to all
 * errors of one validation (schema and data must not change in between).
 */
export function declarationKey(
  schema: unknown,
  error: ErrorObject,
  data: unknown,
  cache: KeyPositions = new WeakMap(),
): number[] {
  const walk: Walk = {
    path: schemaPathSegments(error.schemaPath),
    i: 0,
    instance: pointerSegments(error.instancePath),
    at: 0,
    node: schema,
    value: data,
    key: [],
    cache,
    error,
  };
  for (; walk.i < walk.path.length && isNode(walk.node); walk.i++) {
    if (!step(walk, walk.node)) break;
  }
  return walk.key;
}

/** Where the walk down the schema (`path`, `node`) and the data (`instance`, `value`) stands. */
interface Walk {
  path: string[];
  i: number;
  instance: string[];
  at: number;
  node: unknown;
  value: unknown;
  key: number[];
  cache: KeyPositions;
  error: ErrorObject;
}

/** ajv writes schema paths as URI fragments: segments are JSON-Pointer-escaped, then URI-encoded. */
function schemaPathSegments(schemaPath: string): string[] {
  return schemaPath
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => safeDecode(s).replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The next data key the error's instance path goes through. */
const nextDataKey = (w: Walk): string | undefined => w.instance[w.at++];

/** Follows one keyword of the schema path, extending the key; false when the key is complete. */
function step(w: Walk, node: Node): boolean {
  const keyword = w.path[w.i] as string;
  const last = w.i === w.path.length - 1;
  w.key.push(keyPosition(node, keyword, w.cache));
  const arg: unknown = node[keyword];
  switch (keyword) {
    case 'properties':
    case 'patternProperties':
      return stepProperty(w, arg, keyword === 'patternProperties');
    case 'items':
    case 'additionalItems':
      return stepItems(w, arg, last);
    case 'additionalProperties':
      return stepAdditionalProperties(w, arg, last);
    case 'propertyNames': {
      // Errors inside propertyNames are about a key of the object, not a value in it.
      const name = (w.error as ErrorObject & { propertyName?: string }).propertyName;
      w.key.push(keyPosition(w.value, name, w.cache));
      w.node = arg;
      w.value = name;
      return true;
    }
    case 'allOf':
    case 'anyOf':
    case 'oneOf': {
      const j = w.path[++w.i];
      if (j === undefined) return false;
      w.key.push(Number(j));
      w.node = Array.isArray(arg) ? arg[Number(j)] : undefined;
      return true;
    }
    case 'dependencies': {
      const name = w.path[++w.i];
      w.key.push(keyPosition(arg, name, w.cache));
      w.node = child(arg, name);
      return true;
    }
    case 'not':
    case 'if':
    case 'then':
    case 'else':
    case 'contains':
      w.node = arg;
      return true;
    case 'required':
      if (Array.isArray(arg)) w.key.push(arg.indexOf(w.error.params.missingProperty));
      return false;
    default:
      return false;
  }
}

function stepProperty(w: Walk, arg: unknown, byPattern: boolean): boolean {
  const name = w.path[++w.i];
  w.key.push(keyPosition(arg, name, w.cache));
  if (name === undefined) return false;
  const dataKey = nextDataKey(w);
  if (byPattern) w.key.push(keyPosition(w.value, dataKey, w.cache));
  w.node = child(arg, name);
  w.value = child(w.value, dataKey);
  return true;
}

function stepItems(w: Walk, arg: unknown, last: boolean): boolean {
  if (Array.isArray(arg)) {
    const j = w.path[++w.i];
    w.node = j === undefined ? undefined : arg[Number(j)];
  } else w.node = arg;
  if (last) return false;
  const dataKey = nextDataKey(w);
  w.key.push(Number(dataKey));
  w.value = child(w.value, dataKey);
  return true;
}

function stepAdditionalProperties(w: Walk, arg: unknown, last: boolean): boolean {
  if (last) {
    w.key.push(keyPosition(w.value, String(w.error.params.additionalProperty), w.cache));
    return false;
  }
  const dataKey = nextDataKey(w);
  w.key.push(keyPosition(w.value, dataKey, w.cache));
  w.node = arg;
  w.value = child(w.value, dataKey);
  return true;
}

/** Lexicographic comparison of two declaration keys (a prefix sorts first). */
export function compareKeys(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
