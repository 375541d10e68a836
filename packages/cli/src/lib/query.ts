import { UsageError } from './exit-codes.js';
import { isPlainObject } from './read-input.js';

/** Operators the query language accepts (spec §4.3); any other `"$word"` is rejected by the server. */
export const QUERY_OPERATORS = [
  '$and',
  '$or',
  '$nor',
  '$not',
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$nin',
  '$contains',
  '$regex',
  '$options',
  '$near',
  '$within',
  '$geometry',
  '$min',
  '$max',
] as const;

const ALLOWED = new Set<string>(QUERY_OPERATORS);

/**
 * The server's first two query checks, done early for a readable message: an object, and only known `$` operators.
 * @example queryProblem({ 'entity.x': { $exists: true } }) // 'unknown operator $exists'
 */
export function queryProblem(query: unknown): string | undefined {
  if (!isPlainObject(query)) return 'a query must be a JSON object';
  const unknown = [...JSON.stringify(query).matchAll(/"(\$[A-Za-z_]\w*)"/g)]
    .map((m) => m[1] ?? '')
    .filter((op) => !ALLOWED.has(op));
  if (unknown.length) return `unknown operator${unknown.length > 1 ? 's' : ''} ${[...new Set(unknown)].join(', ')}`;
  return undefined;
}

/**
 * Parses a query given as JSON text.
 * @example parseQuery('{"type":"country"}', 'query') // { type: 'country' }
 */
export function parseQuery(text: string, what: string): Record<string, unknown> {
  let query: unknown;
  try {
    query = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  const problem = queryProblem(query);
  if (problem) throw new UsageError(`${what}: ${problem}`);
  return query as Record<string, unknown>;
}

/** The `--where` operators, as shown in error messages and help. */
export const WHERE_OPERATORS = ['=', '!=', '>', '>=', '<', '<=', '~', '~*', 'in', 'nin'] as const;

const ACCEPTED = new Set<string>(WHERE_OPERATORS);
const PATH = String.raw`[A-Za-z0-9_$][\w.$-]*`;
/** `PATH` then a run of operator characters (`==`, `=>` are caught as unknown rather than read as values). */
const SYMBOL_OP = new RegExp(String.raw`^\s*(${PATH})\s*([=!<>~*]+)\s*(.*)$`, 's');
/** `PATH WORD VALUE`: a word operator (`in`, `nin`; any other word is an unknown operator). */
const WORD_OP = new RegExp(String.raw`^\s*(${PATH})\s+([A-Za-z]+)\s+(.*)$`, 's');

/**
 * Turns one `--where` condition into a query: `path OP value` with OP one of
 * `=  !=  >  >=  <  <=  ~ (regex)  ~* (regex, any case)  in  nin`. The value is read as JSON when it parses
 * (numbers, true, false, null, "quoted", [arrays], {objects}), else as text. Any other operator (`==`, `=>`,
 * `like`) is a usage error naming the accepted ones, never read as part of the value.
 * @example whereCondition('entity.population >= 1e9') // { 'entity.population': { $gte: 1000000000 } }
 */
export function whereCondition(text: string): Record<string, unknown> {
  const match = SYMBOL_OP.exec(text) ?? WORD_OP.exec(text);
  if (!match)
    throw new UsageError(
      `--where "${text}": expected PATH OP VALUE, e.g. "entity.continent=Europe" or "entity.area>1000" (OP one of ${WHERE_OPERATORS.join(' ')})`,
    );
  if (!ACCEPTED.has(match[2] ?? '') && !ACCEPTED.has((match[2] ?? '').toLowerCase()))
    throw new UsageError(`--where "${text}": unknown operator "${match[2]}"; use one of ${WHERE_OPERATORS.join(' ')}`);
  const [, path = '', rawOp = '', rawValue = ''] = match;
  const op = rawOp.trim().toLowerCase();
  const value = jsonOrText(rawValue.trim());
  switch (op) {
    case '=':
      return { [path]: value };
    case '!=':
      return { [path]: { $ne: value } };
    case '>':
      return { [path]: { $gt: value } };
    case '>=':
      return { [path]: { $gte: value } };
    case '<':
      return { [path]: { $lt: value } };
    case '<=':
      return { [path]: { $lte: value } };
    case '~':
      return { [path]: { $regex: String(value) } };
    case '~*':
      return { [path]: { $regex: String(value), $options: 'i' } };
    case 'in':
    case 'nin': {
      const values = Array.isArray(value)
        ? value
        : String(value)
            .split(',')
            .map((v) => jsonOrText(v.trim()));
      return { [path]: { [`$${op}`]: values } };
    }
    default:
      throw new UsageError(`--where "${text}": unknown operator ${op}`);
  }
}

/**
 * ANDs query parts together: merged into one object when their keys are distinct field paths
 * (several keys of one query are ANDed), else wrapped in `$and`.
 * @example andQueries([{ type: 'country' }, { 'entity.landlocked': true }]) // { type: 'country', 'entity.landlocked': true }
 */
export function andQueries(parts: readonly Record<string, unknown>[]): Record<string, unknown> | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  const keys = parts.flatMap((part) => Object.keys(part));
  const distinct = new Set(keys).size === keys.length && keys.every((key) => !key.startsWith('$'));
  return distinct ? Object.assign({}, ...parts) : { $and: [...parts] };
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
