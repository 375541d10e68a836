import type { AuditEntry, AuditVerdict } from '@bbk/sdk/protocol';
import { type ChainHead, canonicalJson, parseHead, seal } from '../../audit/chain.js';
import {
  AuditBrokenError,
  type AuditDraft,
  type AuditFilter,
  type AuditNote,
  type AuditPage,
  type AuditRow,
  type AuditStore,
  type AuditTail,
  HEAD_KEY,
  verifyChain,
} from '../audit-store.js';
import { isoNow, type PgDb, type Queryable } from './pg-database.js';

/** Serialises appends across connections and processes until the appending transaction ends. */
const APPEND_LOCK = "SELECT pg_advisory_xact_lock(hashtext('bbk audit ' || current_schema()))";
const INSERT =
  'INSERT INTO audit (seq, at, actor, action, target, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
const SET_HEAD = 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
const CHUNK = 'SELECT * FROM audit WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3';
/** In one statement (one snapshot): the highest seq and the head recorded with it. */
const TAIL = 'SELECT (SELECT max(seq) FROM audit) AS last, (SELECT value FROM meta WHERE key = $1) AS head';

const toEntry = (r: AuditRow): AuditEntry => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> });

/** `kind:id` values match exactly; a bare kind also matches every `kind:…` (a bytewise index range, no LIKE). */
function matchClause(column: 'actor' | 'target', value: string, params: unknown[]): string {
  if (value.includes(':')) {
    params.push(value);
    return `${column} = $${params.length}`;
  }
  params.push(value, `${value}:`, `${value};`); // ';' sorts right after ':' (the columns are COLLATE "C")
  const n = params.length;
  return `(${column} = $${n - 2} OR (${column} >= $${n - 1} AND ${column} < $${n}))`;
}

async function recordedHead(c: Queryable): Promise<ChainHead | undefined> {
  return parseHead(
    (await c.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [HEAD_KEY])).rows[0]?.value,
  );
}

async function lastEntry(c: Queryable): Promise<ChainHead | undefined> {
  return (await c.query<ChainHead>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1')).rows[0];
}

/**
 * The audit log on PostgreSQL (`audit`, migration 3); the same semantics as `sqlite/audit.ts`.
 * Appends take a transaction-scoped advisory lock first, so entries from any connection or process
 * chain in commit order; write methods of the other stores append through `write` in their own
 * transaction.
 */
export class PgAudit implements AuditStore {
  constructor(private readonly db: PgDb) {}

  async append(drafts: AuditDraft | readonly AuditDraft[]): Promise<AuditEntry[]> {
    return this.db.tx((c) => this.appendIn(c, drafts));
  }

  /**
   * Seals and inserts entries after the head inside the caller's transaction `c`. The head is the
   * one recorded at the last append (falling back to the last row), read under the append lock.
   */
  async appendIn(c: Queryable, drafts: AuditDraft | readonly AuditDraft[]): Promise<AuditEntry[]> {
    const list: readonly AuditDraft[] = Array.isArray(drafts) ? drafts : [drafts as AuditDraft];
    if (list.length === 0) return [];
    await c.query(APPEND_LOCK);
    let head = (await recordedHead(c)) ?? (await lastEntry(c));
    const out: AuditEntry[] = [];
    for (const draft of list) {
      const e = seal(draft, head, isoNow());
      const detail = canonicalJson(e.detail);
      try {
        await c.query(INSERT, [e.seq, e.at, e.actor, e.action, e.target, detail, e.prevHash, e.hash]);
      } catch (err) {
        // the seq after the recorded head is taken (unique_violation): an entry no append vouches for
        if ((err as { code?: string }).code === '23505') throw new AuditBrokenError(e.seq, { cause: err });
        throw err;
      }
      out.push({ ...draft, seq: e.seq, at: e.at, prev_hash: e.prevHash, hash: e.hash });
      head = { seq: e.seq, hash: e.hash };
    }
    await c.query(SET_HEAD, [HEAD_KEY, `${head!.seq} ${head!.hash}`]);
    return out;
  }

  /**
   * Runs `fn` in one transaction and, when `note` makes entries of its result, appends them in
   * that same transaction. Without a note, `fn` still runs in a transaction.
   * @example this.audit.write((c) => c.query(…).then((r) => r.rowCount === 1), note)
   */
  async write<R>(fn: (c: Queryable) => Promise<R>, note: AuditNote<R> | undefined): Promise<R> {
    return this.db.tx(async (c) => {
      const result = await fn(c);
      const drafts = note?.(result);
      if (drafts !== undefined) await this.appendIn(c, drafts);
      return result;
    });
  }

  async list(filter: AuditFilter, page: AuditPage): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(`${clause} $${params.length}`);
    };
    if (filter.actor !== undefined) where.push(matchClause('actor', filter.actor, params));
    if (filter.target !== undefined) where.push(matchClause('target', filter.target, params));
    if (filter.action !== undefined) add('action =', filter.action);
    if (filter.since !== undefined) add('at >=', filter.since);
    if (filter.until !== undefined) add('at <', filter.until);
    if (page.after !== undefined) add('seq >', page.after);
    if (page.before !== undefined) add('seq <', page.before);
    params.push(page.limit);
    const sql = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${
      page.order === 'desc' ? 'DESC' : 'ASC'
    } LIMIT $${params.length}`;
    return (await this.db.query<AuditRow>(sql, params)).rows.map(toEntry);
  }

  async verify(): Promise<AuditVerdict> {
    return verifyChain(
      await recordedHead(this.db),
      async (after, upTo, limit) => (await this.db.query<AuditRow>(CHUNK, [after, upTo, limit])).rows,
      async () => (await this.db.query<AuditTail>(TAIL, [HEAD_KEY])).rows[0],
    );
  }
}
