import { createHash } from 'node:crypto';
import pg from 'pg';
import { SCHEMA_NAME } from '../../config.js';
import { LONE_SURROGATE, StoreUnavailableError, UNPAIRED_SURROGATE, UnstorableValueError } from '../store.js';

/** What runs SQL: the pool (one statement, any connection) or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** How to reach the database: its URL and, optionally, the schema bbk's tables live in. */
export interface PgConnectOptions {
  /** A `postgres://` URL (`--database`, `BBK_DATABASE_URL`). */
  url: string;
  /** Schema for bbk's tables (default: the role's default `search_path`); must exist. */
  schema?: string;
  /** Most connections the pool opens. Default 10. */
  max?: number;
}

/** Most SQL texts `prepared` names (statements each pooled connection may keep). */
const MAX_NAMED = 256;

// bigint (count(*), sequences) as a JS number: every bbk value fits in 2^53
const INT8 = 20;
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 && format !== 'binary') return (v: string) => Number(v);
    // biome-ignore lint/suspicious/noExplicitAny: pg's own overloads
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

/**
 * A `pg.Pool` with bbk's settings (int8 as numbers, the schema on the search path) and a
 * transaction helper. No state of its own: every read goes to the database, so several
 * processes on one database see each other's changes on their very next statement.
 */
export class PgDb implements Queryable {
  readonly pool: pg.Pool;
  readonly schema: string | undefined;
  /** Statement names of `prepared` SQL texts. */
  readonly #names = new Map<string, string>();

  constructor(options: PgConnectOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema))
      throw new Error(
        `database schema must be a plain lower-case name (a-z, 0-9, _; at most 63), got "${options.schema}"`,
      );
    this.schema = options.schema;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      types: TYPES,
      ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
    });
    // an idle connection the server dropped must not crash the process; the next query reconnects
    this.pool.on('error', () => {});
  }

  /**
   * One statement on any pooled connection. PostgreSQL cannot hold U+0000 in text: a read
   * (`SELECT`) whose parameters contain it cannot match anything stored and answers no rows; any
   * other statement throws `UnstorableValueError` (a 400), as the database would refuse it.
   */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    return this.#run<R>(sql, params, undefined);
  }

  /**
   * `query` as a named statement: each pooled connection parses it once and PostgreSQL may keep its
   * plan, so a request's hot reads (policy, record, token) skip parse and plan. Only for SQL from a
   * bounded set of texts (fixed strings, one per policy segment): past `MAX_NAMED` texts, statements run
   * unnamed, so a stream of distinct texts cannot grow every connection's statements without bound.
   */
  async prepared<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    let name = this.#names.get(sql);
    if (name === undefined && this.#names.size < MAX_NAMED) {
      name = `bbk_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      this.#names.set(sql, name);
    }
    return this.#run<R>(sql, params, name);
  }

  async #run<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
    name: string | undefined,
  ): Promise<pg.QueryResult<R>> {
    if (params.some(hasNul)) {
      if (/^\s*SELECT\b/i.test(sql)) return { rows: [], rowCount: 0, command: 'SELECT', oid: 0, fields: [] };
      throw new UnstorableValueError();
    }
    try {
      return await (name === undefined
        ? this.pool.query<R>(sql, params)
        : this.pool.query<R>({ name, text: sql, values: params }));
    } catch (err) {
      throw storeError(err);
    }
  }

  /** Runs `fn` in one transaction on one connection: committed when it returns, rolled back when it throws. */
  async tx<T>(fn: (client: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw storeError(err);
    }
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw storeError(err);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Current UTC time as ISO-8601 with milliseconds (the SQLite engine's `created` format). */
export function isoNow(): string {
  return new Date().toISOString();
}

/**
 * `value` as JSON text for a `json` column, refused (`UnstorableValueError`, a 400) when a string in it, key or
 * value, holds what PostgreSQL cannot keep: U+0000, or an unpaired UTF-16 surrogate. The `json` type would take
 * both as escapes, and every later read that turns them into text or `jsonb` (tag search, a segment run as a query)
 * would fail, so they are refused where they are written, as in records.
 */
export function storableJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.includes('\\u0000') && walk(value, (s) => s.includes('\0'))) throw new UnstorableValueError();
  if (/\\ud[89a-f]/i.test(text) && walk(value, (s) => LONE_SURROGATE.test(s)))
    throw new UnstorableValueError({ what: UNPAIRED_SURROGATE });
  return text;
}

/** Whether `bad` holds for a string anywhere in `value` (object keys included). */
function walk(value: unknown, bad: (s: string) => boolean): boolean {
  if (typeof value === 'string') return bad(value);
  if (Array.isArray(value)) return value.some((v) => walk(v, bad));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => bad(k) || walk(v, bad));
  return false;
}

/** Whether a parameter holds U+0000 (in a string, or a string of an array). */
export function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  return Array.isArray(value) && value.some(hasNul);
}

/** SQLSTATEs of a value PostgreSQL cannot hold: U+0000 in `jsonb` (22P05) or `text` (22021). */
const NUL_STATES = new Set(['22P05', '22021']);

/** SQLSTATE of a `json`/`jsonb` input PostgreSQL refuses (bbk sends only JSON it wrote itself: see below). */
const INVALID_TEXT = '22P02';

/**
 * The engine-neutral error for what the database refused because of the caller's value, or `err` itself. Besides
 * U+0000: an unpaired UTF-16 surrogate in a string (`"\ud800"`, which JavaScript holds and `JSON.stringify` writes
 * as that escape) is not Unicode, and PostgreSQL's JSON input refuses it: in a record, a JSON query value, or a
 * policy's segment read through one.
 */
function storeError(err: unknown): unknown {
  if (unavailable(err)) return new StoreUnavailableError('the database is unavailable: try again', { cause: err });
  const state = sqlState(err);
  if (state !== undefined && NUL_STATES.has(state)) return new UnstorableValueError({ cause: err });
  const detail = (err as { detail?: unknown }).detail;
  if (state === INVALID_TEXT && typeof detail === 'string' && /surrogate/i.test(detail)) {
    return new UnstorableValueError({ cause: err, what: UNPAIRED_SURROGATE });
  }
  return err;
}

/**
 * SQLSTATEs of a database that is gone or going, or that gave the call up for reasons of its own: connection
 * exceptions (class 08), an administrator's or a crash's shutdown and a database still starting (57P01–57P03),
 * too many connections (53300), a deadlock's victim or a serialisation failure (40P01, 40001: the transaction was
 * rolled back whole). Nothing the request asked for is wrong; it may be retried.
 */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40P01', '40001']);

/** The socket errors of a database that cannot be reached, or whose connection broke. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Whether `err` says the database could not serve the call (above), rather than refusing it: node-postgres's own
 * errors for a connection that ended under a query or could not be had in time carry no code, only their text.
 */
function unavailable(err: unknown): boolean {
  const state = sqlState(err);
  if (state !== undefined) return state.startsWith('08') || UNAVAILABLE_STATES.has(state);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return UNREACHABLE_CODES.has(code);
  const message = err instanceof Error ? err.message : '';
  return /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/.test(
    message,
  );
}

/** The SQLSTATE of a database error, if it is one. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 ? code : undefined;
}
