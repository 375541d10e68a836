import { join } from 'node:path';
import type { AuditEntry, AuditVerdict } from '@bbk/sdk/protocol';
import Database, { type Statement } from 'better-sqlite3';
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
import { DB_FILE, type Db, isoNow, parseJson } from './database.js';
import type { WriteGate } from './write-gate.js';

const toEntry = (r: AuditRow): AuditEntry => ({ ...r, detail: parseJson(r.detail) });

/** `kind:id` values match exactly; a bare kind also matches every `kind:…` (an index range, no LIKE). */
function matchClause(column: 'actor' | 'target', value: string, params: unknown[]): string {
  if (value.includes(':')) {
    params.push(value);
    return `${column} = ?`;
  }
  params.push(value, `${value}:`, `${value};`); // ';' sorts right after ':'
  return `(${column} = ? OR (${column} >= ? AND ${column} < ?))`;
}

/**
 * The audit log's reads: list and verify. Works on a read-only connection too
 * (`verifyAuditFile`, the offline `bbk audit verify --data-dir`).
 */
export class SqliteAuditReader {
  readonly #q;
  readonly #lists = new Map<string, Statement<unknown[], AuditRow>>();

  constructor(protected readonly db: Db) {
    this.#q = {
      meta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      last: db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1'),
      // in one statement: the highest seq and the head recorded with it
      tail: db.prepare<[string], AuditTail>(
        'SELECT (SELECT max(seq) FROM audit) AS last, (SELECT value FROM meta WHERE key = ?) AS head',
      ),
      chunk: db.prepare<[number, number, number], AuditRow>(
        'SELECT * FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      ),
    };
  }

  /** The last entry in the table, undefined when it is empty. */
  protected lastEntry(): ChainHead | undefined {
    return this.#q.last.get();
  }

  /** The head recorded at the last append, undefined before the first. */
  protected recordedHead(): ChainHead | undefined {
    return parseHead(this.#q.meta.get(HEAD_KEY)?.value);
  }

  async list(filter: AuditFilter, page: AuditPage): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.actor !== undefined) where.push(matchClause('actor', filter.actor, params));
    if (filter.target !== undefined) where.push(matchClause('target', filter.target, params));
    if (filter.action !== undefined) where.push('action = ?') && params.push(filter.action);
    if (filter.since !== undefined) where.push('at >= ?') && params.push(filter.since);
    if (filter.until !== undefined) where.push('at < ?') && params.push(filter.until);
    if (page.after !== undefined) where.push('seq > ?') && params.push(page.after);
    if (page.before !== undefined) where.push('seq < ?') && params.push(page.before);
    const sql = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${
      page.order === 'desc' ? 'DESC' : 'ASC'
    } LIMIT ?`;
    let stmt = this.#lists.get(sql);
    if (!stmt) {
      stmt = this.db.prepare<unknown[], AuditRow>(sql);
      this.#lists.set(sql, stmt);
    }
    return stmt.all(...params, page.limit).map(toEntry);
  }

  async verify(): Promise<AuditVerdict> {
    return verifyChain(
      this.recordedHead(),
      (after, upTo, limit) => this.#q.chunk.all(after, upTo, limit),
      () => this.#q.tail.get(HEAD_KEY),
    );
  }
}

/** The SQLite audit log: appends on the main connection, through the write gate. */
export class SqliteAudit extends SqliteAuditReader implements AuditStore {
  readonly #insert;
  readonly #setHead;

  constructor(
    db: Db,
    private readonly gate: WriteGate,
  ) {
    super(db);
    this.#insert = db.prepare(
      'INSERT INTO audit (seq, at, actor, action, target, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.#setHead = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  async append(drafts: AuditDraft | readonly AuditDraft[]): Promise<AuditEntry[]> {
    return this.gate.write(() => this.appendInTransaction(drafts));
  }

  /**
   * Seals and inserts entries after the head; only inside a write transaction (the gate's), whose
   * IMMEDIATE lock keeps any other connection or process from appending between the read and the insert.
   * The head is the one recorded at the last append (falling back to the last row), so entries
   * removed from the tail stay detectable after further appends.
   */
  appendInTransaction(drafts: AuditDraft | readonly AuditDraft[]): AuditEntry[] {
    const list: readonly AuditDraft[] = Array.isArray(drafts) ? drafts : [drafts as AuditDraft];
    let head = this.recordedHead() ?? this.lastEntry();
    const out: AuditEntry[] = [];
    for (const draft of list) {
      const e = seal(draft, head, isoNow());
      try {
        this.#insert.run(e.seq, e.at, e.actor, e.action, e.target, canonicalJson(e.detail), e.prevHash, e.hash);
      } catch (err) {
        // the seq after the recorded head is taken: an entry no append vouches for
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw new AuditBrokenError(e.seq, { cause: err });
        throw err;
      }
      out.push({ ...draft, seq: e.seq, at: e.at, prev_hash: e.prevHash, hash: e.hash });
      head = { seq: e.seq, hash: e.hash };
    }
    if (head) this.#setHead.run(HEAD_KEY, `${head.seq} ${head.hash}`);
    return out;
  }

  /**
   * Wraps a write so that the entries `note` makes of its result are appended in the same transaction.
   * @example this.gate.write(this.audit.with(() => q.update.run(…).changes === 1, note))
   */
  with<R>(fn: () => R, note: AuditNote<R> | undefined): () => R {
    if (!note) return fn;
    return () => {
      const result = fn();
      const drafts = note(result);
      if (drafts !== undefined) this.appendInTransaction(drafts);
      return result;
    };
  }
}

/**
 * Verifies the audit log of a data directory on a read-only connection, with or without a server
 * running on it (`bbk audit verify --data-dir`). Throws when there is no database or no audit log.
 * @example (await verifyAuditFile('./.bbk')).intact
 */
export async function verifyAuditFile(dataDir: string): Promise<AuditVerdict> {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get();
    if (!table)
      throw new Error(`the database in ${dataDir} has no audit log yet: start this version of bbk on it once`);
    return await new SqliteAuditReader(db).verify();
  } finally {
    db.close();
  }
}
