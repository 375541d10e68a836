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
  const key: number[] = [];
  // ajv writes schema paths as URI fragments: segments are JSON-Pointer-escaped, then URI-encoded
  const path = error.schemaPath
    .replace(/^#/, '')
    .split('/')
    .slice(1)
    .map((s) => safeDecode(s).replace(/~1/g, '/').replace(/~0/g, '~'));
  const instance = pointerSegments(error.instancePath);
  let node: unknown = schema;
  let value: unknown = data;
  let at = 0;
  const consume = (): string | undefined => instance[at++];
  for (let i = 0; i < path.length && isNode(node); i++) {
    const keyword = path[i] as string;
    const last = i === path.length - 1;
    key.push(keyPosition(node, keyword, cache));
    const arg: unknown = node[keyword];
    switch (keyword) {
      case 'properties':
      case 'patternProperties': {
        const name = path[++i];
        key.push(keyPosition(arg, name, cache));
        if (name === undefined) return key;
        const dataKey = consume();
        if (keyword === 'patternProperties') key.push(keyPosition(value, dataKey, cache));
        node = child(arg, name);
        value = child(value, dataKey);
        break;
      }
      case 'items':
      case 'additionalItems': {
        if (Array.isArray(arg)) {
          const j = path[++i];
          node = j === undefined ? undefined : arg[Number(j)];
        } else node = arg;
        if (last) return key;
        const dataKey = consume();
        key.push(Number(dataKey));
        value = child(value, dataKey);
        break;
      }
      case 'additionalProperties': {
        if (last) {
          key.push(keyPosition(value, String(error.params.additionalProperty), cache));
          return key;
        }
        const dataKey = consume();
        key.push(keyPosition(value, dataKey, cache));
        node = arg;
        value = child(value, dataKey);
        break;
      }
      case 'propertyNames': {
        // Errors inside propertyNames are about a key of the object, not a value in it.
        const name = (error as ErrorObject & { propertyName?: string }).propertyName;
        key.push(keyPosition(value, name, cache));
        node = arg;
        value = name;
        break;
      }
      case 'allOf':
      case 'anyOf':
      case 'oneOf': {
        const j = path[++i];
        if (j === undefined) return key;
        key.push(Number(j));
        node = Array.isArray(arg) ? arg[Number(j)] : undefined;
        break;
      }
      case 'dependencies': {
        const name = path[++i];
        key.push(keyPosition(arg, name, cache));
        node = child(arg, name);
        break;
      }
      case 'not':
      case 'if':
      case 'then':
      case 'else':
      case 'contains':
        node = arg;
        break;
      case 'required':
        if (Array.isArray(arg)) key.push(arg.indexOf(error.params.missingProperty));
        return key;
      default:
        return key;
    }
  }
  return key;
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
